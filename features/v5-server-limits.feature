Feature: MQTT 5.0 limits the server declares in CONNACK (Maximum QoS, Retain Available)
  These scenarios apply to a server that declares a reduced Maximum QoS or Retain Available 0;
  against one that supports everything they are not applicable.

  @v5 @MQTT-3.2.2-9 @MQTT-3.2.2-10
  Scenario: A server declaring a Maximum QoS still grants a SUBSCRIBE at QoS 2 (at a QoS it supports)
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "c" declares "a Maximum QoS", else the scenario is not applicable
    When "c" sends SUBSCRIBE for:
      | filter | qos |
      | lq/a   | 2   |
    Then "c" receives SUBACK with return codes "<=1"

  @v5 @MQTT-3.2.2-11 @MQTT-4.13.1-1
  Scenario: A PUBLISH above the server's Maximum QoS is a Protocol Error
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    When "c" sends a PUBLISH of "x" to "lq/b" above the server's Maximum QoS
    Then the server closes the connection of "c", optionally after DISCONNECT 0x9B or 0x82

  @v5 @MQTT-3.2.2-12
  Scenario: A will at a QoS above the server's Maximum QoS is refused
    Given "probe" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "probe" declares "a Maximum QoS", else the scenario is not applicable
    When "c" connects with the properties:
      | will topic   | lq/w |
      | will message | w    |
      | will QoS     | 2    |
    Then "c" receives CONNACK with reason code 0x9B or 0x80 or 0x82 or 0x87

  @v5 @MQTT-3.2.2-13
  Scenario: A will with Will Retain 1 is refused by a server without retained messages
    Given "probe" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "probe" declares "Retain Available 0", else the scenario is not applicable
    When "c" connects with the properties:
      | will topic   | lq/r |
      | will message | w    |
      | will retain  | 1    |
    Then "c" receives CONNACK with reason code 0x9A or 0x80 or 0x82 or 0x87

  @v5 @MQTT-3.2.2-14 @MQTT-4.13.1-1
  Scenario: A retained PUBLISH to a server without retained messages is a Protocol Error
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "c" declares "Retain Available 0", else the scenario is not applicable
    When "c" sends a PUBLISH of "r" to "lq/c" at QoS 0 with the properties:
      | Retain | 1 |
    Then the server closes the connection of "c", optionally after DISCONNECT 0x9A or 0x82
