Feature: DUP 0 on the first delivery of a message, on every path it takes
  DUP 1 marks a re-delivery only: the server sets DUP on a PUBLISH it sends according to whether
  that very packet is a retransmission, never by copying the DUP of the PUBLISH it received, and
  a sender gives a new QoS 1 or QoS 2 message DUP 0 (MQTT 3.1.1 and 5.0 section 3.3.1.1,
  sections 4.3.2 and 4.3.3). A message reaches a subscriber live, as a retained message on a new
  subscription, from the queue of a persistent session that was offline, or on the connection
  that took over a session; on each path its first delivery has DUP 0, whatever else is re-sent
  around it (re-sends of earlier messages have their own scenarios in qos1, qos2 and session).

  Scenario Outline: A live QoS <qos> delivery published with DUP 1 has DUP 0 (<version>)
    Given "sub" is connected and subscribed to "d/live" at QoS <qos>
    And "pub" is connected
    When "pub" sends a PUBLISH of "first time" to "d/live" at QoS <qos> with packet identifier 17 and DUP set
    And "pub" completes the QoS <qos> flow of packet identifier 17
    Then "sub" receives "first time" on "d/live" at QoS <qos> with DUP 0, acknowledging what arrives before it

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.3-1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0     | 1   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.3-2 @needs:qos2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0     | 2   |

  @needs:retain
  Scenario Outline: A retained QoS <qos> message sent to a new subscription has DUP 0 (<version>)
    Given "pub" is connected
    And "pub" publishes "kept" to "d/retained" at QoS <qos> with RETAIN set
    And "sub" is connected
    When "sub" subscribes to "d/retained" at QoS <qos>
    Then "sub" receives a PUBLISH on "d/retained" with QoS <qos> and RETAIN 1 and DUP 0 and payload "kept"

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.3-1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0     | 1   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.3-2 @needs:qos2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0     | 2   |

  Scenario Outline: A QoS <qos> message queued while a persistent session was offline has DUP 0 when the session resumes (<version>)
    Given "sub" is connected with a persistent session
    And "sub" is subscribed to "d/queued" at QoS <qos>
    And "sub" disconnects
    And "pub" is connected
    When "pub" publishes "while away" to "d/queued" at QoS <qos>
    And "sub" resumes its session
    Then "sub" receives "while away" on "d/queued" at QoS <qos> with DUP 0, acknowledging what arrives before it

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.3-1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0     | 1   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.3-2 @needs:qos2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0     | 2   |

  Scenario Outline: A QoS <qos> message queued behind an unacknowledged delivery has DUP 0 when the session resumes, though the one before it is re-sent (<version>)
    Given "sub" is connected with a persistent session
    And "sub" is subscribed to "d/behind" at QoS <qos>
    And "pub" is connected
    And "pub" publishes "in flight" to "d/behind" at QoS <qos>
    And "sub" receives a PUBLISH on "d/behind" with payload "in flight" without acknowledging it
    And "sub" closes the network connection without sending DISCONNECT
    When "pub" publishes "queued behind it" to "d/behind" at QoS <qos>
    And "sub" resumes its session
    Then "sub" receives "queued behind it" on "d/behind" at QoS <qos> with DUP 0, acknowledging what arrives before it

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-4.3.3-1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0     | 1   |

    @v5 @MQTT-3.3.1-3 @MQTT-4.3.3-2 @needs:qos2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0     | 2   |

  Scenario Outline: A QoS <qos> message published after a take-over has DUP 0 on the new connection, though the old one left a delivery unacknowledged (<version>)
    Given "first" is connected with a persistent session
    And "first" is subscribed to "d/taken" at QoS <qos>
    And "pub" is connected
    And "pub" publishes "left unacknowledged" to "d/taken" at QoS <qos>
    And "first" receives a PUBLISH on "d/taken" with payload "left unacknowledged" without acknowledging it
    When "second" takes over the session of "first"
    And the server closes the taken-over connection of "first"
    And "pub" publishes "after take-over" to "d/taken" at QoS <qos>
    Then "second" receives "after take-over" on "d/taken" at QoS <qos> with DUP 0, acknowledging what arrives before it

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-3.1.4-2 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @MQTT-3.3.1-3 @MQTT-3.1.4-2 @MQTT-4.3.3-1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v5 @MQTT-3.3.1-3 @MQTT-3.1.4-3 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0     | 1   |

    @v5 @MQTT-3.3.1-3 @MQTT-3.1.4-3 @MQTT-4.3.3-2 @needs:qos2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0     | 2   |
