Feature: MQTT 5.0 sessions: Clean Start, Session Expiry Interval, resumption and redelivery

  @v5 @MQTT-3.1.2-23 @MQTT-3.1.2-5 @MQTT-3.2.2-3 @MQTT-3.1.3-2 @MQTT-3.1.4-4 @MQTT-4.5.0-1
  Scenario: With a Session Expiry Interval the session outlives the connection: subscriptions and queued QoS 1 messages
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/a" at QoS 1
    And "sub" disconnects
    And "pub" is connected
    When "pub" publishes "queued" to "se/a" at QoS 1
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives "queued" on "se/a" at QoS 1

  @v5 @MQTT-3.1.2-6 @MQTT-3.2.2-3
  Scenario: Clean Start 0 without a stored session starts a new one with Session Present 0
    When "c" reconnects with Clean Start 0 and Session Expiry Interval 30
    Then "c" receives CONNACK 0x00 with Session Present 0

  @v5 @MQTT-3.1.2-4 @MQTT-3.2.2-2 @MQTT-3.1.4-4
  Scenario: Clean Start 1 discards the stored session: Session Present 0 and no old subscription
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/b" at QoS 1
    And "sub" disconnects
    When "sub" reconnects with Clean Start 1 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 0
    And "pub" is connected
    And "pub" publishes "after" to "se/b" at QoS 1
    And "sub" receives no PUBLISH on "se/b"

  @v5 @MQTT-3.1.3-2
  Scenario: Another client identifier does not resume the session
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/c" at QoS 1
    And "sub" disconnects
    When "other" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "other" receives CONNACK 0x00 with Session Present 0

  @v5 @MQTT-4.1.0-2 @MQTT-3.1.2-23
  Scenario: Session Expiry Interval 0 ends the session with the connection
    Given "sub" is connected with Session Expiry Interval 0
    And "sub" is subscribed to "se/d" at QoS 1
    And "sub" disconnects
    When "sub" reconnects with Clean Start 0 and Session Expiry Interval 0
    Then "sub" receives CONNACK 0x00 with Session Present 0

  @v5 @MQTT-4.1.0-2
  Scenario: A Session Expiry Interval of 0 in DISCONNECT replaces the one of CONNECT: the session ends with the connection
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/g" at QoS 1
    And "sub" disconnects with Session Expiry Interval 0
    When "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 0

  @v5 @MQTT-4.1.0-2
  Scenario: After the Session Expiry Interval has passed the server has deleted the session
    Given "sub" is connected with Session Expiry Interval 1
    And "sub" is subscribed to "se/e" at QoS 1
    And "sub" disconnects
    When 2.5 seconds have passed
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 0
    And "pub" is connected
    And "pub" publishes "after" to "se/e" at QoS 1
    And "sub" receives no PUBLISH on "se/e"

  @v5 @MQTT-3.3.1-1 @MQTT-4.3.2-3 @MQTT-4.4.0-1
  Scenario: An unacknowledged QoS 1 delivery is sent again with DUP 1 and the same identifier on resumption
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/f" at QoS 1
    And "pub" is connected
    When "pub" publishes "pending" to "se/f" at QoS 1
    And "sub" receives a PUBLISH on "se/f" with QoS 1 and payload "pending" without acknowledging it
    And "sub" drops the network connection
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives the unacknowledged PUBLISH again with DUP 1

  @v5 @needs:qos2 @MQTT-4.3.3-5 @MQTT-4.3.3-6 @MQTT-4.4.0-1 @MQTT-3.6.2-1
  Scenario: After PUBREC, resumption re-sends the PUBREL, not the PUBLISH
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/g" at QoS 2
    And "pub" is connected
    When "pub" publishes "two" to "se/g" at QoS 2
    And "sub" receives a PUBLISH on "se/g" with QoS 2 and payload "two" without acknowledging it
    And "sub" sends PUBREC for the PUBLISH
    And "sub" receives PUBREL for the PUBLISH
    And "sub" drops the network connection
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives PUBREL for the PUBLISH
    And "sub" receives no answer before the PINGRESP to its next PINGREQ

  @v5 @MQTT-4.4.0-2
  Scenario: A delivery answered with PUBACK 0x80 counts as acknowledged and is not sent again on resumption
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/h" at QoS 1
    And "pub" is connected
    When "pub" publishes "refused" to "se/h" at QoS 1
    And "sub" receives a PUBLISH on "se/h" with QoS 1 and payload "refused" without acknowledging it
    And "sub" answers the PUBLISH with PUBACK 0x80
    And "sub" remains connected
    And "sub" drops the network connection
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives no answer before the PINGRESP to its next PINGREQ

  @v5 @MQTT-4.4.0-1
  Scenario: The server does not re-send an unacknowledged delivery while the connection stays up
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "se/i" at QoS 1
    And "pub" is connected
    When "pub" publishes "once" to "se/i" at QoS 1
    And "sub" receives a PUBLISH on "se/i" with QoS 1 and payload "once" without acknowledging it
    And "pub" publishes "marker" to "se/i" at QoS 1
    Then "sub" receives "marker" on "se/i" with no copy of the unacknowledged PUBLISH before it
