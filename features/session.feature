Feature: Clean and persistent sessions
  With CleanSession 0 the server keeps the session (subscriptions, QoS 1 and 2 messages queued
  while the client is away, unacknowledged deliveries) and resumes it on reconnection, telling the
  client through Session Present; with CleanSession 1 it discards any session and starts a new
  one that lasts only as long as the connection (MQTT 3.1.1 sections 3.1.2.4, 3.2.2.2, 4.1, 4.4).

  @v3.1.1 @MQTT-3.2.2-3 @MQTT-3.1.2-4 @MQTT-3.1.4-3
  Scenario: CleanSession 0 without a stored session is accepted with Session Present 0
    When "c" connects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 0

  @v3.1.1 @MQTT-3.2.2-2 @MQTT-3.1.2-4 @MQTT-3.1.3-2 @MQTT-3.1.4-3 @MQTT-4.1.0-1
  Scenario: CleanSession 0 with a stored session is accepted with Session Present 1
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "c" disconnects
    When "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 1

  @v3.1.1 @MQTT-3.2.2-1 @MQTT-3.1.2-6 @MQTT-3.1.4-3
  Scenario: CleanSession 1 discards a stored session and is accepted with Session Present 0
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "c" disconnects
    When "c" reconnects with CleanSession 1
    Then the server accepts the connection of "c" with Session Present 0

  @v3.1.1 @MQTT-3.1.2-6 @MQTT-3.2.2-3
  Scenario: A session discarded by CleanSession 1 is not resumed by a later CleanSession 0
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "c" disconnects
    And "c" is connected with CleanSession 1
    And "c" disconnects
    And "pub" is connected
    When "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 0
    When "pub" publishes "stale subscription" to "t/a" at QoS 1
    Then "c" receives no PUBLISH on "t/a"

  @v3.1.1 @MQTT-3.1.2-6 @MQTT-3.2.2-3
  Scenario: The session of a CleanSession 1 connection does not outlive it
    Given "c" is connected with CleanSession 1 and subscribed to "t/a" at QoS 1
    And "c" disconnects
    And "pub" is connected
    When "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 0
    When "pub" publishes "old subscription" to "t/a" at QoS 1
    Then "c" receives no PUBLISH on "t/a"

  @MQTT-3.1.2-4 @MQTT-3.1.3-2 @MQTT-4.1.0-1
  Scenario Outline: Subscriptions of a persistent session survive the connection (<version>)
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "c" disconnects
    And "pub" is connected
    When "c" reconnects with CleanSession 0
    And "pub" publishes "still subscribed" to "t/a" at QoS 1
    Then "c" receives a PUBLISH on "t/a" with QoS 1 and payload "still subscribed"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-3.1.2-5 @MQTT-4.5.0-1 @MQTT-4.6.0-6
  Scenario Outline: QoS <qos> messages published while a persistent session is offline are delivered on reconnection (<version>)
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 2
    And "c" disconnects
    And "pub" is connected
    When "pub" publishes "queued 1" to "t/a" at QoS <qos>
    And "pub" publishes "queued 2" to "t/a" at QoS <qos>
    And "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c"
    And "c" receives the messages "queued 1, queued 2" on "t/a" in that order

    @v3.1.1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1   | 1   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v3.1
    Examples: MQTT 3.1, QoS 1
      | version | qos |
      | 3.1     | 1   |

    @v3.1 @needs:qos2
    Examples: MQTT 3.1, QoS 2
      | version | qos |
      | 3.1     | 2   |

  @v3.1.1 @MQTT-3.3.1-1 @MQTT-4.4.0-1 @MQTT-2.3.1-4 @MQTT-4.3.2-1
  Scenario: An unacknowledged QoS 1 delivery is sent again with DUP 1 and the same packet identifier on reconnection
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "pub" is connected
    When "pub" publishes "unacknowledged" to "t/a" at QoS 1
    And "c" receives a PUBLISH on "t/a" with QoS 1 and DUP 0 and payload "unacknowledged" without acknowledging it
    And "c" drops the network connection
    And "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 1
    And "c" receives the unacknowledged PUBLISH again with DUP 1

  @v3.1.1 @MQTT-3.3.1-1 @MQTT-4.4.0-1 @MQTT-2.3.1-4 @MQTT-4.3.3-1 @needs:qos2
  Scenario: An unacknowledged QoS 2 delivery is sent again with DUP 1 and the same packet identifier on reconnection
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 2
    And "pub" is connected
    When "pub" publishes "unacknowledged" to "t/a" at QoS 2
    And "c" receives a PUBLISH on "t/a" with QoS 2 and DUP 0 and payload "unacknowledged" without acknowledging it
    And "c" drops the network connection
    And "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 1
    And "c" receives the unacknowledged PUBLISH again with DUP 1

  @v3.1.1 @MQTT-4.4.0-1 @MQTT-4.3.3-1 @needs:qos2
  Scenario: An unanswered PUBREL is sent again with the same packet identifier on reconnection
    Given "c" is connected with CleanSession 0 and subscribed to "t/a" at QoS 2
    And "pub" is connected
    When "pub" publishes "half done" to "t/a" at QoS 2
    And "c" receives a PUBLISH on "t/a" with QoS 2 and payload "half done" without acknowledging it
    And "c" sends PUBREC for the PUBLISH
    And "c" receives PUBREL for the PUBLISH
    And "c" drops the network connection
    And "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 1
    And "c" receives PUBREL for the PUBLISH
    When "c" sends PUBCOMP for the PUBLISH
    Then "c" does not receive "half done" on "t/a"

  @v3.1.1 @MQTT-3.1.2-7 @needs:retain
  Scenario: Retained messages survive the end of the session that published them
    Given "pub" is connected with CleanSession 1
    And "pub" publishes "kept" to "t/retained" at QoS 1 with RETAIN set
    And "pub" disconnects
    When "late" is connected and subscribed to "t/retained" at QoS 1
    Then "late" receives a PUBLISH on "t/retained" with RETAIN 1 and payload "kept"
