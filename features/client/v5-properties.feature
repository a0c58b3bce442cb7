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
