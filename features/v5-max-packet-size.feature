Feature: MQTT 5.0 Maximum Packet Size both ways

  @v5 @MQTT-3.1.2-24 @needs:qos1
  Scenario: A message too large for the client is not sent to it
    Given "sub" is connected with the properties:
      | Maximum Packet Size | 128 |
    And "sub" is subscribed to "mp/a" at QoS 1
    And "pub" is connected
    When "pub" publishes a 300-byte message to "mp/a" at QoS 1
    And "pub" publishes "small" to "mp/a" at QoS 1
    And "sub" receives "small" on "mp/a", acknowledging whatever arrives before it
    Then no packet the server sent to "sub" is larger than 128 bytes

  @v5 @MQTT-3.1.2-25 @needs:qos1
  Scenario: A message discarded as too large for the client counts as sent: it does not hold up later messages
    Given "sub" is connected with the properties:
      | Maximum Packet Size | 128 |
      | Receive Maximum     | 1   |
    And "sub" is subscribed to "mp/b" at QoS 1
    And "pub" is connected
    When "pub" publishes a 300-byte message to "mp/b" at QoS 1
    And "pub" publishes "small" to "mp/b" at QoS 1
    Then "sub" receives "small" on "mp/b", acknowledging whatever arrives before it

  @v5 @MQTT-3.1.2-24 @MQTT-3.2.2-19 @MQTT-3.2.2-20
  Scenario: The CONNACK fits the client's Maximum Packet Size (Reason String and User Properties left out)
    When "c" connects with the properties:
      | Maximum Packet Size | 40 |
    Then "c" receives CONNACK 0x00 with Session Present 0
    And no packet the server sent to "c" is larger than 40 bytes

  @v5 @MQTT-3.4.2-2 @MQTT-3.4.2-3 @MQTT-3.5.2-2 @MQTT-3.5.2-3 @MQTT-3.7.2-2 @MQTT-3.7.2-3 @MQTT-3.11.2-1 @MQTT-3.11.2-2 @needs:qos2
  Scenario: Acknowledgements that could carry a Reason String still arrive, within the client's Maximum Packet Size
    Given "c" is connected with the properties:
      | Maximum Packet Size | 30 |
    When "c" publishes "x" to "mq/nobody" at QoS 1 and accepts any success acknowledgement
    And "c" publishes "y" to "mq/nobody" at QoS 2 and accepts any success acknowledgement
    And "c" sends PUBREL with packet identifier 999
    And "c" receives PUBCOMP with packet identifier 999
    And "c" sends UNSUBSCRIBE for the filters "mq/none"
    And "c" receives UNSUBACK with reason codes "0x00|0x11"
    Then no packet the server sent to "c" is larger than 30 bytes

  @v5 @MQTT-3.6.2-2 @MQTT-3.6.2-3 @MQTT-3.9.2-1 @MQTT-3.9.2-2 @needs:qos2
  Scenario: SUBACK and the server's PUBREL fit the client's Maximum Packet Size
    Given "c" is connected with the properties:
      | Maximum Packet Size | 40 |
    And "c" is subscribed to "mr/a" at QoS 2
    And "pub" is connected
    When "pub" publishes "z" to "mr/a" at QoS 2
    Then "c" receives "z" on "mr/a" at QoS 2
    And no packet the server sent to "c" is larger than 40 bytes

  @v5 @MQTT-3.14.2-3 @MQTT-3.14.2-4
  Scenario: A server DISCONNECT fits the client's Maximum Packet Size
    Given "first" is connected with the properties:
      | Maximum Packet Size | 30 |
    When "second" connects with the client identifier of "first"
    Then "second" receives CONNACK 0x00 with Session Present 0
    And the server closes the connection of "first", optionally after DISCONNECT 0x8E
    And no packet the server sent to "first" is larger than 30 bytes

  @v5 @MQTT-3.2.2-15 @MQTT-4.13.1-1
  Scenario: A packet larger than the server's Maximum Packet Size is a Protocol Error
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    When "c" sends a PUBLISH to "ms/a" one byte larger than the server's Maximum Packet Size
    Then the server closes the connection of "c", optionally after DISCONNECT 0x95
