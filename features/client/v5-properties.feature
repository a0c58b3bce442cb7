@client @v5
Feature: Client: MQTT 5.0 limits the server declares in CONNACK

  @MQTT-3.3.4-7 @MQTT-4.9.0-2 @MQTT-4.9.0-1
  Scenario: A client honours the server's Receive Maximum of 1
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "one" to "t/a" at QoS 1
    And the client is told to publish "two" to "t/a" at QoS 1
    When the server accepts the connection declaring receiveMaximum 1
    Then the server receives the PUBLISH of "one" on "t/a" at QoS 1
    And the server receives no second PUBLISH while the first is unacknowledged
    When the server acknowledges it
    Then the server receives the PUBLISH of "two" on "t/a" at QoS 1

  @MQTT-3.2.2-15
  Scenario: A client sends no packet larger than the server's Maximum Packet Size
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish a payload of 200 bytes to "t/a" at QoS 0
    And the client is told to publish "small" to "t/a" at QoS 0
    When the server accepts the connection declaring maximumPacketSize 64
    Then the server receives no PUBLISH larger than 64 bytes before the PUBLISH of "small"

  @MQTT-3.2.2-18 @needs:topic-alias
  Scenario: A client sends no Topic Alias when the server declared no Topic Alias Maximum
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "aliased" to "t/a" at QoS 0 with Topic Alias 1
    And the client is told to publish "plain" to "t/a" at QoS 0
    When the server accepts the connection
    Then the server receives no PUBLISH with a Topic Alias before the PUBLISH of "plain"

  @MQTT-3.1.2-21 @MQTT-3.2.2-21
  Scenario: A client uses the Server Keep Alive of CONNACK in place of its own Keep Alive
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 0
    When the server accepts the connection declaring serverKeepAlive 5
    And the server grants the subscription
    Then the server receives PINGREQ within 5 seconds

  # Receive Maximum limits only QoS 1/2 PUBLISH: with its send quota at zero the client still
  # acknowledges what it receives.
  @MQTT-4.9.0-3 @MQTT-3.3.4-8 @needs:publish-and-subscribe
  Scenario: A client whose send quota is zero still acknowledges a PUBLISH from the server
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/b" at QoS 1
    And the client is told to publish "one" to "t/a" at QoS 1
    And the client is told to publish "two" to "t/a" at QoS 1
    When the server accepts the connection declaring receiveMaximum 1
    And the server grants the subscription
    And the server receives the PUBLISH of "one" on "t/a" at QoS 1
    And the server sends PUBLISH "m1" on "t/b" at QoS 1 with packet identifier 9
    Then the server receives PUBACK for packet identifier 9
