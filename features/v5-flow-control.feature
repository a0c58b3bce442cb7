Feature: MQTT 5.0 flow control: Receive Maximum both ways

  @v5 @MQTT-3.3.4-9 @MQTT-4.9.0-1 @MQTT-4.9.0-2 @MQTT-4.9.0-3 @MQTT-3.3.4-10 @needs:qos1
  Scenario: The server keeps no more QoS 1 deliveries unacknowledged than the client's Receive Maximum, and still answers PINGREQ
    Given "sub" is connected with the properties:
      | Receive Maximum | 2 |
    And "sub" is subscribed to "fc/a" at QoS 1
    And "pub" is connected
    When "pub" publishes 6 numbered messages to "fc/a" at QoS 1
    Then "sub" receives the 6 numbered messages on "fc/a" with never more than 2 unacknowledged

  @v5 @MQTT-4.9.0-3 @MQTT-3.3.4-10 @needs:qos1
  Scenario: With the send quota used up, the server still answers SUBSCRIBE and acknowledges incoming PUBLISH
    Given "sub" is connected with the properties:
      | Receive Maximum | 1 |
    And "sub" is subscribed to "fc/b" at QoS 1
    And "pub" is connected
    When "pub" publishes "held" to "fc/b" at QoS 1
    And "pub" publishes "queued" to "fc/b" at QoS 1
    And "sub" receives a PUBLISH on "fc/b" with QoS 1 and payload "held" without acknowledging it
    And "sub" subscribes to "fc/other" at QoS 1
    And "sub" publishes "own" to "fc/own" at QoS 1
    And "sub" acknowledges the PUBLISH
    Then "sub" receives "queued" on "fc/b"

  @v5 @MQTT-3.3.4-7 @MQTT-4.13.1-1 @needs:qos2
  Scenario: More unacknowledged QoS 2 PUBLISH packets than the server's Receive Maximum is a Protocol Error
    Given "pub" is connected with the properties:
      | Keep Alive | 60 |
    When "pub" sends one more QoS 2 PUBLISH to "fc/c" than the server's Receive Maximum, releasing none
    Then the server closes the connection of "pub", optionally after DISCONNECT 0x93
