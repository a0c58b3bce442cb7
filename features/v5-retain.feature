Feature: MQTT 5.0 retained messages, Retain Handling and Retain As Published

  @v5 @MQTT-3.3.1-5 @MQTT-3.3.1-9 @needs:retain
  Scenario: A retained message replaces the previous one and is sent at subscribe time (Retain Handling 0)
    Given "pub" is connected
    And "pub" publishes "old" to "rt/a" at QoS 1 with RETAIN set
    And "pub" publishes "new" to "rt/a" at QoS 1 with RETAIN set
    When "sub" is connected
    And "sub" subscribes to "rt/a" at QoS 1 with the options:
      | Retain Handling | 0 |
    Then "sub" receives a PUBLISH on "rt/a" with RETAIN 1 and payload "new"
    And "sub" receives no retained message on "rt/a" other than "new"

  @v5 @MQTT-3.3.1-6 @MQTT-3.3.1-7 @needs:retain
  Scenario: An empty retained message deletes the retained message and is not stored itself
    Given "pub" is connected
    And "pub" publishes "kept" to "rt/b" at QoS 1 with RETAIN set
    And "pub" publishes an empty message to "rt/b" at QoS 1 with RETAIN set
    When "sub" is connected and subscribed to "rt/b" at QoS 1
    Then "sub" receives no PUBLISH on "rt/b"

  @v5 @MQTT-3.3.1-8 @needs:retain
  Scenario: A PUBLISH with RETAIN 0 neither is stored nor replaces the retained message
    Given "pub" is connected
    And "pub" publishes "kept" to "rt/c" at QoS 1 with RETAIN set
    And "pub" publishes "live" to "rt/c" at QoS 1
    When "sub" is connected and subscribed to "rt/c" at QoS 1
    Then "sub" receives a PUBLISH on "rt/c" with RETAIN 1 and payload "kept"
    And "sub" receives no retained message on "rt/c" other than "kept"

  @v5 @MQTT-3.3.1-10 @needs:retain
  Scenario: Retain Handling 1 sends retained messages for a new subscription only, not when it already existed
    Given "pub" is connected
    And "pub" publishes "kept" to "rt/d" at QoS 0 with RETAIN set
    And the server has processed the packets of "pub"
    And "sub" is connected
    When "sub" subscribes to "rt/d" at QoS 1 with the options:
      | Retain Handling | 1 |
    And "sub" receives a PUBLISH on "rt/d" with RETAIN 1 and payload "kept"
    And "sub" subscribes to "rt/d" at QoS 1 with the options:
      | Retain Handling | 1 |
    Then "sub" does not receive "kept" on "rt/d"

  @v5 @MQTT-3.3.1-11 @needs:retain
  Scenario: Retain Handling 2 sends no retained message at subscribe time
    Given "pub" is connected
    And "pub" publishes "kept" to "rt/e" at QoS 0 with RETAIN set
    And the server has processed the packets of "pub"
    And "sub" is connected
    When "sub" subscribes to "rt/e" at QoS 1 with the options:
      | Retain Handling | 2 |
    Then "sub" receives no PUBLISH on "rt/e"

  @v5 @MQTT-3.8.4-4 @needs:retain
  Scenario: Replacing a subscription with Retain Handling 0 sends the retained messages again
    Given "pub" is connected
    And "pub" publishes "kept" to "rt/f" at QoS 0 with RETAIN set
    And the server has processed the packets of "pub"
    And "sub" is connected
    And "sub" subscribes to "rt/f" at QoS 0 with the options:
      | Retain Handling | 0 |
    And "sub" receives a PUBLISH on "rt/f" with RETAIN 1 and payload "kept"
    When "sub" subscribes to "rt/f" at QoS 0 with the options:
      | Retain Handling | 0 |
    Then "sub" receives a PUBLISH on "rt/f" with RETAIN 1 and payload "kept"

  @v5 @MQTT-3.3.1-12 @needs:retain
  Scenario: Retain As Published 0: a live message is forwarded with RETAIN 0
    Given "sub" is connected
    And "sub" subscribes to "rt/g" at QoS 0 with the options:
      | Retain As Published | 0 |
    And "pub" is connected
    When "pub" publishes "live" to "rt/g" at QoS 0 with RETAIN set
    Then "sub" receives a PUBLISH on "rt/g" with RETAIN 0 and payload "live"

  @v5 @MQTT-3.3.1-13 @needs:retain
  Scenario: Retain As Published 1: a live message keeps the RETAIN flag it was published with
    Given "sub" is connected
    And "sub" subscribes to "rt/h" at QoS 0 with the options:
      | Retain As Published | 1 |
    And "pub" is connected
    When "pub" publishes "flagged" to "rt/h" at QoS 0 with RETAIN set
    And "pub" publishes "plain" to "rt/h" at QoS 0
    Then "sub" receives a PUBLISH on "rt/h" with RETAIN 1 and payload "flagged"
    And "sub" receives a PUBLISH on "rt/h" with RETAIN 0 and payload "plain"
