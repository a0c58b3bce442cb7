Feature: MQTT 5.0 shared subscriptions

  @v5 @MQTT-4.8.2-3 @MQTT-3.8.4-8 @needs:shared-subscriptions @needs:qos1
  Scenario: Each message goes to one member of the share, at the QoS that member was granted
    Given "a" is connected
    And "a" subscribes to the shared subscription "$share/{ns}/{ns}/sh/a" at QoS 0
    And "b" is connected
    And "b" subscribes to the shared subscription "$share/{ns}/{ns}/sh/a" at QoS 1
    And "pub" is connected
    When "pub" publishes 10 numbered messages to "sh/a" at QoS 1
    Then the 10 numbered messages on "sh/a" reach "a" or "b", each exactly once, at the QoS each was granted

  # @optional: MQTT-4.13.1-1 binds a server that detects the error; section 4.13.1 lets it choose
  # how rigorously it checks, and no statement makes this check a server MUST. Informational.
  @v5 @optional @MQTT-4.8.2-1 @needs:shared-subscriptions
  Scenario: A shared subscription with an empty ShareName is refused, or the connection closed
    Given "c" is connected
    When "c" sends SUBSCRIBE to the filter "$share//{ns}/sh/b" at QoS 0
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x9E, or closes the connection

  @v5 @MQTT-4.8.2-2 @needs:shared-subscriptions
  Scenario Outline: A ShareName with a wildcard, or without a following filter, is refused, or the connection closed (<filter>)
    Given "c" is connected
    When "c" sends SUBSCRIBE to the filter "<filter>" at QoS 0
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x9E, or closes the connection

    Examples:
      | filter                |
      | $share/a+b/{ns}/sh/c  |
      | $share/a#b/{ns}/sh/c  |

    # @optional: without a second "/" this is not of the $share/{ShareName}/{filter} form (MQTT-4.8.2-2
    # binds the client); whether a server detects it is its choice (section 4.13.1). Informational.
    @optional
    Examples: no filter after the ShareName
      | filter                |
      | $share/{ns}           |

  # @optional: MQTT-4.13.1-1 binds a server that detects the error; section 4.13.1 lets it choose
  # how rigorously it checks, and no statement makes this check a server MUST. Informational.
  @v5 @optional @MQTT-3.8.3-4 @MQTT-4.13.1-1 @needs:shared-subscriptions
  Scenario: No Local on a shared subscription is a Protocol Error
    Given "c" is connected
    When "c" sends SUBSCRIBE to "$share/g/{ns}/sh/d" at QoS 0 with the options:
      | No Local | 1 |
    Then the server closes the connection of "c", optionally after DISCONNECT 0x82

  @v5 @MQTT-4.8.2-4 @needs:shared-subscriptions @needs:qos2
  Scenario: A QoS 2 delivery to a share member whose connection broke is completed when it reconnects
    Given "a" is connected with Session Expiry Interval 60
    And "a" subscribes to the shared subscription "$share/{ns}/{ns}/sh/e" at QoS 2
    And "pub" is connected
    When "pub" publishes "exactly" to "sh/e" at QoS 2
    And "a" receives a PUBLISH on "sh/e" with QoS 2 and payload "exactly" without acknowledging it
    And "a" drops the network connection
    And "a" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "a" receives CONNACK 0x00 with Session Present 1
    And "a" receives the unacknowledged PUBLISH again with DUP 1

  @v5 @MQTT-4.8.2-6 @needs:shared-subscriptions @needs:qos1
  Scenario: A share member's PUBACK 0x80 discards the message: it is not offered to another member
    Given "a" is connected
    And "a" subscribes to the shared subscription "$share/{ns}/{ns}/sh/f" at QoS 1
    And "pub" is connected
    When "pub" publishes "rejected" to "sh/f" at QoS 1
    And "a" receives a PUBLISH on "sh/f" with QoS 1 and payload "rejected" without acknowledging it
    And "a" answers the PUBLISH with PUBACK 0x80
    And "b" is connected
    And "b" subscribes to the shared subscription "$share/{ns}/{ns}/sh/f" at QoS 1
    And "a" disconnects
    Then "b" does not receive "rejected" on "sh/f"

  @v5 @MQTT-4.8.2-5 @needs:shared-subscriptions @needs:qos2
  Scenario: When the chosen member's session ends with a QoS 2 delivery unfinished, no other member gets the message
    Given "a" is connected with Session Expiry Interval 0
    And "a" subscribes to the shared subscription "$share/{ns}/{ns}/sh/g" at QoS 2
    And "pub" is connected
    When "pub" publishes "only a" to "sh/g" at QoS 2
    And "a" receives a PUBLISH on "sh/g" with QoS 2 and payload "only a" without acknowledging it
    And "a" sends PUBREC for the PUBLISH
    And "a" receives PUBREL for the PUBLISH
    And "b" is connected
    And "b" subscribes to the shared subscription "$share/{ns}/{ns}/sh/g" at QoS 2
    And "a" drops the network connection
    Then "b" does not receive "only a" on "sh/g"
