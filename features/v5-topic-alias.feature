Feature: MQTT 5.0 Topic Aliases in both directions

  @v5 @MQTT-3.3.2-12
  Scenario: The server accepts every Topic Alias from 1 to the Topic Alias Maximum it declared
    Given "sub" is connected and subscribed to "ta/#" at QoS 1
    And "pub" is connected with the properties:
      | Keep Alive | 60 |
    When "pub" publishes through every Topic Alias the server allows under "ta"
    Then "sub" receives each message published through those Topic Aliases of "pub" on its own topic under "ta"

  @v5 @MQTT-3.2.2-17 @MQTT-3.3.2-9 @MQTT-3.2.2-18 @MQTT-4.13.1-1
  Scenario: A Topic Alias above the server's Topic Alias Maximum (none declared: any alias) is a Protocol Error
    Given "pub" is connected with the properties:
      | Keep Alive | 60 |
    When "pub" sends a PUBLISH of "x" to "tb/a" with a Topic Alias above the server's Topic Alias Maximum
    Then the server closes the connection of "pub", optionally after DISCONNECT 0x94 or 0x82

  @v5 @MQTT-3.3.2-8 @MQTT-4.13.1-1
  Scenario: Topic Alias 0 is a Protocol Error
    Given "pub" is connected
    When "pub" sends the bytes <30 0a 00 03 74 2f 61 03 23 00 00 78>
    Then the server closes the connection of "pub", optionally after DISCONNECT 0x94 or 0x82 or 0x81

  @v5 @MQTT-3.3.2-7 @MQTT-4.13.1-1
  Scenario: Topic Alias mappings end with the connection: an alias set before a reconnect is unknown after it
    Given "pub" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "pub" declares "a Topic Alias Maximum", else the scenario is not applicable
    And "pub" publishes "set" to "td/a" at QoS 0 with the properties:
      | Topic Alias | 1 |
    And "pub" disconnects
    And "pub" is connected with the properties:
      | Keep Alive | 60 |
    When "pub" sends a PUBLISH of "stale" with Topic Alias 1 and an empty topic name at QoS 0
    Then the server closes the connection of "pub", optionally after DISCONNECT 0x82 or 0x94

  @v5 @MQTT-4.7.3-1 @MQTT-4.13.1-1
  Scenario: An empty topic name without a Topic Alias is a Protocol Error
    Given "pub" is connected
    When "pub" sends the bytes <30 04 00 00 00 78>
    Then the server closes the connection of "pub", optionally after DISCONNECT 0x82 or 0x90 or 0x81

  @v5 @MQTT-3.1.2-26 @MQTT-3.3.2-11 @MQTT-3.3.2-8
  Scenario: Topic Aliases the server uses toward a client stay within the client's Topic Alias Maximum
    Given "sub" is connected with the properties:
      | Topic Alias Maximum | 2 |
    And "sub" is subscribed to "te/#" at QoS 0
    And "pub" is connected
    When "pub" publishes "1" to "te/a" at QoS 0
    And "pub" publishes "2" to "te/a" at QoS 0
    Then "sub" receives the messages "1, 2" on "te/a" with Topic Aliases from 1 to 2

  @v5 @MQTT-3.1.2-27
  Scenario: A client that declared no Topic Alias Maximum gets no Topic Alias
    Given "sub" is connected with the properties:
      | Keep Alive | 60 |
    And "sub" is subscribed to "tf/#" at QoS 0
    And "pub" is connected
    When "pub" publishes "1" to "tf/a" at QoS 0
    And "pub" publishes "2" to "tf/a" at QoS 0
    Then "sub" receives the messages "1, 2" on "tf/a" with Topic Aliases from 1 to 0
