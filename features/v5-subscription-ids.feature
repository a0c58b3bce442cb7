Feature: MQTT 5.0 Subscription Identifiers

  @v5 @MQTT-3.3.4-3
  Scenario: A message sent because of a subscription with an identifier carries that identifier
    Given "sub" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "sub" declares "Subscription Identifiers Available", else the scenario is not applicable
    And "sub" subscribes to "si/a" at QoS 0 with the options:
      | Subscription Identifier | 7 |
    And "pub" is connected
    When "pub" publishes "tagged" to "si/a" at QoS 0
    Then "sub" receives "tagged" on "si/a" for the Subscription Identifiers "7"

  @v5 @MQTT-3.3.4-3 @needs:retain
  Scenario: A retained message sent because of a new subscription with an identifier carries that identifier
    Given "pub" is connected
    And "pub" publishes "kept" to "si/r" at QoS 0 with RETAIN set
    And "sub" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "sub" declares "Subscription Identifiers Available", else the scenario is not applicable
    When "sub" subscribes to "si/r" at QoS 0 with the options:
      | Subscription Identifier | 9 |
    Then "sub" receives "kept" on "si/r" for the Subscription Identifiers "9"

  @v5 @MQTT-3.3.4-3
  Scenario: A message sent because of a subscription without identifier carries none
    Given "sub" is connected and subscribed to "si/b" at QoS 0
    And "pub" is connected
    When "pub" publishes "plain" to "si/b" at QoS 0
    Then "sub" receives "plain" on "si/b" with no Subscription Identifier

  @v5 @MQTT-3.3.4-4 @MQTT-3.3.4-5 @MQTT-3.3.4-3 @needs:wildcards
  Scenario: Overlapping subscriptions with identifiers: one copy with both, or one copy per subscription with its own
    Given "sub" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "sub" declares "Subscription Identifiers Available", else the scenario is not applicable
    And "sub" subscribes to "si/c/+" at QoS 0 with the options:
      | Subscription Identifier | 1 |
    And "sub" subscribes to "si/c/#" at QoS 0 with the options:
      | Subscription Identifier | 2 |
    And "pub" is connected
    When "pub" publishes "both" to "si/c/x" at QoS 0
    Then "sub" receives "both" on "si/c/x" for the Subscription Identifiers "1, 2"

  @v5 @MQTT-3.8.4-3
  Scenario: Resubscribing with a new Subscription Identifier replaces the old one
    Given "sub" is connected with the properties:
      | Keep Alive | 60 |
    And the CONNACK to "sub" declares "Subscription Identifiers Available", else the scenario is not applicable
    And "sub" subscribes to "si/d" at QoS 0 with the options:
      | Subscription Identifier | 3 |
    And "sub" subscribes to "si/d" at QoS 0 with the options:
      | Subscription Identifier | 4 |
    And "pub" is connected
    When "pub" publishes "new id" to "si/d" at QoS 0
    Then "sub" receives "new id" on "si/d" for the Subscription Identifiers "4"
    And "sub" does not receive "new id" on "si/d"
