Feature: Retained messages
  A PUBLISH with RETAIN 1 is stored with its QoS as the topic's retained message and sent, with
  RETAIN 1, to every new subscription that matches the topic; a message forwarded on an
  established subscription has RETAIN 0. A retained message with an empty payload removes the
  retained message and is never stored; a PUBLISH with RETAIN 0 leaves it alone (MQTT 3.1.1
  section 3.3.1.3).

  @MQTT-3.3.1-5 @MQTT-3.3.1-6 @MQTT-3.3.1-8 @needs:retain
  Scenario Outline: A message retained at QoS <qos> is sent to a later subscriber with RETAIN 1 at the QoS it was published with (<version>)
    Given "pub" is connected
    When "pub" publishes "kept at QoS <qos>" to "r/stored" at QoS <qos> with RETAIN set
    And "late" is connected and subscribed to "r/stored" at QoS 2
    Then "late" receives a PUBLISH on "r/stored" with QoS <qos> and RETAIN 1 and payload "kept at QoS <qos>"

    @v3.1.1 @needs:qos1
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v3.1 @needs:qos1
    Examples: MQTT 3.1
      | version | qos |
      | 3.1     | 1   |

  @v3.1.1 @MQTT-3.3.1-5 @MQTT-3.3.1-8 @MQTT-3.8.4-6 @needs:retain @needs:qos2
  Scenario Outline: A message retained at QoS 2 is sent to a subscription granted QoS <sub> at QoS <sub>
    Given "pub" is connected
    When "pub" publishes "kept at QoS 2" to "r/down" at QoS 2 with RETAIN set
    And "late" is connected and subscribed to "r/down" at QoS <sub>
    Then "late" receives "kept at QoS 2" on "r/down" at the lower of QoS 2 and the QoS granted for "r/down"

    Examples:
      | sub |
      | 0   |
      | 1   |

  @v3.1.1 @MQTT-3.3.1-7 @MQTT-3.3.1-5 @needs:retain @needs:qos1
  Scenario: A retained QoS 0 message discards the message retained before; the server may keep or drop the new one
    Given "pub" is connected
    When "pub" publishes "old" to "r/q0" at QoS 1 with RETAIN set
    And "pub" publishes "new" to "r/q0" at QoS 0 with RETAIN set
    And the server has processed the packets of "pub"
    And "late" is connected and subscribed to "r/q0" at QoS 1
    Then "late" receives no retained message on "r/q0" other than "new"

  @MQTT-3.3.1-5 @MQTT-3.3.1-6 @MQTT-3.3.1-8 @needs:retain
  Scenario Outline: A new retained message replaces the one retained before (<version>)
    Given "pub" is connected
    When "pub" publishes "first" to "r/replace" at QoS 1 with RETAIN set
    And "pub" publishes "second" to "r/replace" at QoS 1 with RETAIN set
    And "late" is connected and subscribed to "r/replace" at QoS 1
    Then "late" receives a PUBLISH on "r/replace" with RETAIN 1 and payload "second"
    And "late" does not receive "first" on "r/replace"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.3.1-9 @needs:retain
  Scenario Outline: A retained message forwarded on an established subscription has RETAIN 0 (QoS <qos>)
    Given "sub" is connected and subscribed to "r/live" at QoS 2
    And "pub" is connected
    When "pub" publishes "live" to "r/live" at QoS <qos> with RETAIN set
    Then "sub" receives a PUBLISH on "r/live" with QoS <qos> and RETAIN 0 and payload "live"

    Examples:
      | qos |
      | 0   |

    @needs:qos1
    Examples:
      | qos |
      | 1   |

    @needs:qos2
    Examples:
      | qos |
      | 2   |

  @v3.1.1 @MQTT-3.3.1-6 @MQTT-3.3.1-9 @needs:retain
  Scenario: A new subscription gets the retained message; existing subscriptions do not get it again
    Given "pub" is connected
    And "early" is connected and subscribed to "r/once" at QoS 1
    When "pub" publishes "kept" to "r/once" at QoS 1 with RETAIN set
    Then "early" receives a PUBLISH on "r/once" with RETAIN 0 and payload "kept"
    When "late" is connected and subscribed to "r/once" at QoS 1
    Then "late" receives a PUBLISH on "r/once" with RETAIN 1 and payload "kept"
    And "early" does not receive "kept" on "r/once"

  @MQTT-3.3.1-6 @MQTT-3.3.1-8 @needs:retain @needs:wildcards
  Scenario Outline: A wildcard subscription gets the retained message of every matching topic, and only those (<version>)
    Given "pub" is connected
    When "pub" publishes "a" to "r/w/a" at QoS 1 with RETAIN set
    And "pub" publishes "b" to "r/w/b" at QoS 1 with RETAIN set
    And "pub" publishes "c" to "r/w/b/c" at QoS 1 with RETAIN set
    And "pub" publishes "x" to "r/x/a" at QoS 1 with RETAIN set
    And "late" is connected and subscribed to "r/w/+" at QoS 1
    Then "late" receives a PUBLISH on "r/w/a" with RETAIN 1 and payload "a"
    And "late" receives a PUBLISH on "r/w/b" with RETAIN 1 and payload "b"
    And "late" receives no PUBLISH on "r/w/b/c"
    And "late" receives no PUBLISH on "r/x/a"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.3.1-6 @MQTT-3.3.1-8 @MQTT-4.7.1-2 @needs:retain @needs:wildcards
  Scenario: A '#' subscription gets the retained messages of the parent level and of every level below it
    Given "pub" is connected
    When "pub" publishes "parent" to "r/h" at QoS 1 with RETAIN set
    And "pub" publishes "child" to "r/h/a" at QoS 1 with RETAIN set
    And "pub" publishes "grandchild" to "r/h/a/b" at QoS 1 with RETAIN set
    And "pub" publishes "sibling" to "r/hx" at QoS 1 with RETAIN set
    And "late" is connected and subscribed to "r/h/#" at QoS 1
    Then "late" receives a PUBLISH on "r/h" with RETAIN 1 and payload "parent"
    And "late" receives a PUBLISH on "r/h/a" with RETAIN 1 and payload "child"
    And "late" receives a PUBLISH on "r/h/a/b" with RETAIN 1 and payload "grandchild"
    And "late" receives no PUBLISH on "r/hx"

  @v3.1.1 @MQTT-3.3.1-10 @MQTT-3.3.1-9 @needs:retain
  Scenario: A retained message with an empty payload is forwarded as usual and removes the retained message
    Given "sub" is connected and subscribed to "r/clear" at QoS 1
    And "pub" is connected
    When "pub" publishes "to be cleared" to "r/clear" at QoS 1 with RETAIN set
    Then "sub" receives a PUBLISH on "r/clear" with RETAIN 0 and payload "to be cleared"
    When "pub" publishes an empty message to "r/clear" at QoS 1 with RETAIN set
    Then "sub" receives a PUBLISH on "r/clear" with RETAIN 0 and payload ""
    When "late" is connected and subscribed to "r/clear" at QoS 1
    Then "late" receives no PUBLISH on "r/clear"

  @MQTT-3.3.1-10 @needs:retain
  Scenario Outline: After a retained empty message at QoS <qos>, a new subscriber gets no retained message (<version>)
    Given "pub" is connected
    When "pub" publishes "to be cleared" to "r/cleared" at QoS 1 with RETAIN set
    And "pub" publishes an empty message to "r/cleared" at QoS <qos> with RETAIN set
    And the server has processed the packets of "pub"
    And "late" is connected and subscribed to "r/cleared" at QoS 1
    Then "late" receives no PUBLISH on "r/cleared"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1   | 0   |
      | 3.1.1   | 1   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, published at QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v3.1
    Examples: MQTT 3.1
      | version | qos |
      | 3.1     | 1   |

  @v3.1.1 @MQTT-3.3.1-11 @needs:retain
  Scenario: A retained empty message on a topic with nothing retained is not stored
    Given "pub" is connected
    When "pub" publishes an empty message to "r/never" at QoS 1 with RETAIN set
    And "late" is connected and subscribed to "r/never" at QoS 1
    Then "late" receives no PUBLISH on "r/never"

  @v3.1.1 @MQTT-3.3.1-12 @needs:retain
  Scenario: A PUBLISH with RETAIN 0 neither replaces nor removes the retained message
    Given "pub" is connected
    When "pub" publishes "kept" to "r/keep" at QoS 1 with RETAIN set
    And "pub" publishes "not retained" to "r/keep" at QoS 1
    And "pub" publishes "" to "r/keep" at QoS 1
    And "late" is connected and subscribed to "r/keep" at QoS 1
    Then "late" receives a PUBLISH on "r/keep" with RETAIN 1 and payload "kept"
    And "late" does not receive "not retained" on "r/keep"

  @MQTT-3.8.4-3 @MQTT-3.3.1-6 @MQTT-3.3.1-8 @needs:retain @needs:qos1
  Scenario Outline: Subscribing again with the same filter sends the retained message again, with RETAIN 1 (<version>)
    Given "pub" is connected
    And "pub" publishes "kept" to "r/again" at QoS 1 with RETAIN set
    And "sub" is connected and subscribed to "r/again" at QoS 1
    And "sub" receives a PUBLISH on "r/again" with RETAIN 1 and payload "kept"
    When "sub" subscribes to "r/again" at QoS 1
    Then "sub" receives a PUBLISH on "r/again" with RETAIN 1 and payload "kept"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |
