Feature: PUBLISH at QoS 1
  At least once delivery (MQTT 3.1.1 sections 3.3, 3.4 and 4.3.2): the server answers a QoS 1
  PUBLISH with a PUBACK carrying its packet identifier, and treats a later PUBLISH with that
  identifier as a new message; it delivers QoS 1 with DUP 0 and a packet identifier that is not
  0 and not in use by another message in flight to that client.

  @MQTT-3.3.4-1 @MQTT-2.3.1-6 @MQTT-4.3.2-2
  Scenario Outline: A QoS 1 PUBLISH is answered with one PUBACK carrying its packet identifier <id> (<version>)
    Given "pub" is connected
    When "pub" sends a PUBLISH of "m" to "t/q1" at QoS 1 with packet identifier <id>
    Then "pub" receives only PUBACK with packet identifier <id>

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | id    |
      | 3.1.1   | 1     |
      | 3.1.1   | 4660  |
      | 3.1.1   | 65535 |

    @v3.1
    Examples: MQTT 3.1
      | version | id    |
      | 3.1     | 4660  |

  @MQTT-4.3.2-1 @MQTT-2.3.1-1 @MQTT-3.3.1-3 @MQTT-4.5.0-1 @needs:qos1
  Scenario Outline: A QoS 1 message is delivered with QoS 1, DUP 0 and a packet identifier (<version>)
    Given "sub" is connected and subscribed to "t/q1" at QoS 1
    And "pub" is connected
    When "pub" publishes "at least once" to "t/q1" at QoS 1
    Then "sub" receives a PUBLISH on "t/q1" with QoS 1 and DUP 0 and payload "at least once"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-4.3.2-2 @MQTT-2.3.1-6 @needs:qos1
  Scenario Outline: After its PUBACK, a PUBLISH reusing the packet identifier is a new message, even with DUP set (<version>)
    Given "sub" is connected and subscribed to "t/reuse" at QoS 1
    And "pub" is connected
    When "pub" sends a PUBLISH of "first" to "t/reuse" at QoS 1 with packet identifier 7
    Then "pub" receives PUBACK with packet identifier 7
    And "sub" receives "first" on "t/reuse"
    When "pub" sends a PUBLISH of "second" to "t/reuse" at QoS 1 with packet identifier 7 and DUP set
    Then "pub" receives PUBACK with packet identifier 7
    And "sub" receives "second" on "t/reuse"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.2-1 @MQTT-4.3.3-1
  Scenario Outline: DUP of an incoming QoS <qos> PUBLISH is not copied to the PUBLISH the server sends on
    Given "sub" is connected and subscribed to "t/dup" at QoS 2
    And "pub" is connected
    When "pub" sends a PUBLISH of "sent with DUP" to "t/dup" at QoS <qos> with packet identifier 9 and DUP set
    And "pub" completes the QoS <qos> flow of packet identifier 9
    Then "sub" receives a PUBLISH on "t/dup" with QoS <qos> and DUP 0 and payload "sent with DUP"

    @needs:qos1
    Examples:
      | qos |
      | 1   |

    @needs:qos2
    Examples:
      | qos |
      | 2   |

  @v3.1.1 @MQTT-2.3.1-4 @MQTT-2.3.1-1 @MQTT-4.3.2-1 @MQTT-4.3.3-1
  Scenario Outline: QoS <qos> messages in flight to one client at the same time have distinct packet identifiers
    Given "sub" is connected and subscribed to "t/ids" at QoS <qos>
    And "pub" is connected
    When "pub" sends 8 numbered messages to "t/ids" at QoS <qos> without waiting for acknowledgements
    Then "sub" receives 8 PUBLISH packets on "t/ids" with distinct non-zero packet identifiers while none is acknowledged

    @needs:qos1
    Examples:
      | qos |
      | 1   |

    @needs:qos2
    Examples:
      | qos |
      | 2   |

  @v3.1.1 @MQTT-4.3.2-1 @MQTT-4.4.0-1 @MQTT-2.3.1-4 @MQTT-3.3.1-1 @needs:qos1
  Scenario: An unacknowledged QoS 1 delivery stays in flight and is sent again with DUP 1 when the session resumes
    Given "sub" is connected with CleanSession 0 and subscribed to "t/unacked" at QoS 1
    And "pub" is connected
    When "pub" publishes "not yet acknowledged" to "t/unacked" at QoS 1
    Then "sub" receives a PUBLISH on "t/unacked" with QoS 1 and DUP 0 and payload "not yet acknowledged" without acknowledging it
    When "sub" drops the network connection
    And "sub" reconnects with CleanSession 0
    Then the server accepts the connection of "sub"
    And "sub" receives the unacknowledged PUBLISH again with DUP 1

  @v3.1.1 @MQTT-3.3.5-2
  Scenario Outline: A QoS <qos> PUBLISH into $SYS, which a server may refuse to authorise, is acknowledged normally or closes the connection
    Given "pub" is connected
    When "pub" tries to publish "not the broker" to "$SYS/{ns}/forged" at QoS <qos>
    Then the server acknowledges it according to its QoS or closes the connection of "pub"

    Examples:
      | qos |
      | 0   |
      | 1   |

    @needs:qos2
    Examples: published at QoS 2
      | qos |
      | 2   |
