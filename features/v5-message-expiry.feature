Feature: MQTT 5.0 Message Expiry Interval

  @v5 @MQTT-3.3.2-5 @needs:qos1
  Scenario: A queued message whose Message Expiry Interval has passed is not delivered
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "me/a" at QoS 1
    And "sub" disconnects
    And "pub" is connected
    When "pub" publishes "expired" to "me/a" at QoS 1 with Message Expiry Interval 1
    And 2.2 seconds have passed
    And "pub" publishes "fresh" to "me/a" at QoS 1
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives "fresh" on "me/a"
    And "sub" does not receive "expired" on "me/a"

  @v5 @MQTT-3.3.2-6 @needs:qos1
  Scenario: A queued message is delivered with its Message Expiry Interval lowered by the time it waited
    Given "sub" is connected with Session Expiry Interval 60
    And "sub" is subscribed to "me/b" at QoS 1
    And "sub" disconnects
    And "pub" is connected
    When "pub" publishes "waited" to "me/b" at QoS 1 with Message Expiry Interval 60
    And 1.5 seconds have passed
    And "sub" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "sub" receives CONNACK 0x00 with Session Present 1
    And "sub" receives a PUBLISH of "waited" on "me/b" with:
      | Message Expiry Interval | <= 59 |

  @v5 @MQTT-3.3.2-6
  Scenario: A message delivered at once keeps a Message Expiry Interval no higher than the one published
    Given "sub" is connected and subscribed to "me/c" at QoS 0
    And "pub" is connected
    When "pub" publishes "now" to "me/c" at QoS 0 with Message Expiry Interval 30
    Then "sub" receives a PUBLISH of "now" on "me/c" with:
      | Message Expiry Interval | <= 30 |
