Feature: MQTT 5.0 Will Messages: will properties, Will Delay Interval, DISCONNECT reason codes

  @v5 @MQTT-3.1.2-7 @MQTT-3.1.2-8
  Scenario: The will is published when the connection closes without DISCONNECT
    Given "sub" is connected and subscribed to "wl/a" at QoS 1
    And "w" is connected with the properties:
      | will topic   | wl/a |
      | will message | gone |
      | will QoS     | 1    |
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives "gone" on "wl/a"

  @v5 @MQTT-3.1.2-10 @MQTT-3.14.4-3
  Scenario: DISCONNECT with reason code 0x00 deletes the will
    Given "sub" is connected and subscribed to "wl/b" at QoS 1
    And "w" is connected with the properties:
      | will topic   | wl/b |
      | will message | gone |
      | will QoS     | 1    |
    When "w" disconnects with reason code 0x00
    Then "sub" receives no PUBLISH on "wl/b"

  @v5 @MQTT-3.14.4-3 @MQTT-3.1.2-8
  Scenario: DISCONNECT with reason code 0x04 (Disconnect with Will Message) publishes the will
    Given "sub" is connected and subscribed to "wl/c" at QoS 1
    And "w" is connected with the properties:
      | will topic   | wl/c |
      | will message | asked |
      | will QoS     | 1    |
    When "w" disconnects with reason code 0x04
    Then "sub" receives "asked" on "wl/c"

  @v5 @MQTT-3.1.2-14
  Scenario: A will with Will Retain 0 is not retained
    Given "w" is connected with the properties:
      | will topic   | wl/d |
      | will message | gone |
      | will retain  | 0    |
    And "sub" is connected and subscribed to "wl/d" at QoS 0
    When "w" closes the network connection without sending DISCONNECT
    And "sub" receives "gone" on "wl/d"
    And "late" is connected and subscribed to "wl/d" at QoS 0
    Then "late" receives no PUBLISH on "wl/d"

  @v5 @MQTT-3.1.2-15 @needs:retain
  Scenario: A will with Will Retain 1 is retained for later subscribers
    Given "sub" is connected and subscribed to "wl/e" at QoS 0
    And "w" is connected with the properties:
      | will topic   | wl/e |
      | will message | kept |
      | will retain  | 1    |
    When "w" closes the network connection without sending DISCONNECT
    And "sub" receives "kept" on "wl/e"
    And "late" is connected and subscribed to "wl/e" at QoS 0
    Then "late" receives a PUBLISH on "wl/e" with RETAIN 1 and payload "kept"

  @v5 @MQTT-3.1.3-10 @MQTT-3.3.2-4 @MQTT-3.3.2-15 @MQTT-3.3.2-16 @MQTT-3.3.2-20
  Scenario: The will is published with its properties, User Properties in their order
    Given "sub" is connected and subscribed to "wl/f" at QoS 0
    And "w" is connected with the properties:
      | will topic                    | wl/f         |
      | will message                  | props        |
      | will Payload Format Indicator | 1            |
      | will Content Type             | text/plain   |
      | will Response Topic           | wl/reply     |
      | will Correlation Data         | corr-1       |
      | will User Property            | z=1          |
      | will User Property            | a=2          |
      | will User Property            | z=3          |
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives a PUBLISH of "props" on "wl/f" with:
      | Payload Format Indicator | 1          |
      | Content Type             | text/plain |
      | Response Topic           | wl/reply   |
      | Correlation Data         | corr-1     |
      | User Property            | z=1        |
      | User Property            | a=2        |
      | User Property            | z=3        |

  @v5 @MQTT-3.1.2-8
  Scenario: With a Will Delay Interval the will is published once the delay has passed
    Given "sub" is connected and subscribed to "wl/g" at QoS 0
    And "w" is connected with the properties:
      | Session Expiry Interval  | 30    |
      | will topic               | wl/g  |
      | will message             | later |
      | will Will Delay Interval | 1     |
    When "w" drops the network connection
    Then "sub" receives "later" on "wl/g" within 7 seconds

  @v5 @MQTT-3.1.3-9
  Scenario: Reconnecting before the Will Delay Interval has passed suppresses the will
    Given "sub" is connected and subscribed to "wl/h" at QoS 0
    And "w" is connected with the properties:
      | Session Expiry Interval  | 30     |
      | will topic               | wl/h   |
      | will message             | never  |
      | will Will Delay Interval | 2      |
    When "w" drops the network connection
    And "w" reconnects with Clean Start 0 and Session Expiry Interval 30
    And "w" receives CONNACK 0x00 with Session Present 1
    Then "sub" receives no PUBLISH on "wl/h" within 3500 ms

  @v5 @MQTT-3.1.2-8
  Scenario: The will is published when the session ends, even before the Will Delay Interval
    Given "sub" is connected and subscribed to "wl/i" at QoS 0
    And "w" is connected with the properties:
      | Session Expiry Interval  | 1        |
      | will topic               | wl/i     |
      | will message             | sessend  |
      | will Will Delay Interval | 60       |
    When "w" drops the network connection
    Then "sub" receives "sessend" on "wl/i" within 7 seconds

  @v5 @MQTT-3.1.2-22 @MQTT-3.1.2-8
  Scenario: A Keep Alive timeout publishes the will
    Given "sub" is connected and subscribed to "wl/j" at QoS 0
    And "w" is connected with the properties:
      | Keep Alive   | 1       |
      | will topic   | wl/j    |
      | will message | timeout |
    Then "sub" receives "timeout" on "wl/j" within 12 seconds
    And the server closes the connection of "w", optionally after DISCONNECT 0x8D
