Feature: MQTT 5.0 QoS 0, 1 and 2 flows with reason codes

  @v5 @MQTT-2.2.1-2 @MQTT-3.3.1-2 @MQTT-4.3.1-1 @MQTT-2.2.2-1
  Scenario: A QoS 0 delivery has no packet identifier and DUP 0
    Given "sub" is connected and subscribed to "q/a" at QoS 0
    And "pub" is connected
    When "pub" publishes "zero" to "q/a" at QoS 0
    Then "sub" receives a PUBLISH on "q/a" with QoS 0 and DUP 0 and payload "zero"

  @v5 @MQTT-3.3.4-1 @MQTT-4.3.2-4 @MQTT-2.2.1-5 @MQTT-3.4.2-1 @MQTT-4.3.2-1 @MQTT-4.3.2-2 @MQTT-2.2.1-4 @needs:qos1
  Scenario: QoS 1: PUBACK with the identifier and a defined reason code; the delivery has a fresh identifier, QoS 1 and DUP 0
    Given "sub" is connected and subscribed to "q/b" at QoS 1
    And "pub" is connected
    When "pub" publishes "one" to "q/b" at QoS 1 and accepts any success acknowledgement
    Then "sub" receives a PUBLISH on "q/b" with QoS 1 and DUP 0 and payload "one"

  @v5 @MQTT-4.3.2-5 @needs:qos1
  Scenario: After PUBACK, a PUBLISH with the same identifier is a new message
    Given "sub" is connected and subscribed to "q/c" at QoS 1
    And "pub" is connected
    When "pub" sends a PUBLISH of "first" to "q/c" at QoS 1 with packet identifier 7
    And "pub" receives PUBACK with packet identifier 7
    And "pub" sends a PUBLISH of "second" to "q/c" at QoS 1 with packet identifier 7 and DUP set
    And "pub" receives PUBACK with packet identifier 7
    Then "sub" receives "first" on "q/c"
    And "sub" receives "second" on "q/c"

  @v5 @MQTT-3.3.4-1 @MQTT-4.3.3-8 @MQTT-4.3.3-11 @MQTT-3.5.2-1 @MQTT-3.7.2-1 @MQTT-4.3.3-1 @MQTT-4.3.3-2 @MQTT-4.3.3-3 @MQTT-4.3.3-4 @MQTT-3.6.2-1 @needs:qos2
  Scenario: QoS 2 both ways: PUBREC, PUBREL, PUBCOMP with identifiers and defined reason codes
    Given "sub" is connected and subscribed to "q/d" at QoS 2
    And "pub" is connected
    When "pub" publishes "two" to "q/d" at QoS 2 and accepts any success acknowledgement
    Then "sub" receives a PUBLISH on "q/d" with QoS 2 and DUP 0 and payload "two"

  @v5 @MQTT-4.3.3-10 @needs:qos2
  Scenario: A QoS 2 PUBLISH re-sent before PUBREL is acknowledged again and delivered once
    Given "sub" is connected and subscribed to "q/e" at QoS 2
    And "pub" is connected
    When "pub" sends a PUBLISH of "once" to "q/e" at QoS 2 with packet identifier 9
    And "pub" receives PUBREC with packet identifier 9
    And "pub" sends a PUBLISH of "once" to "q/e" at QoS 2 with packet identifier 9 and DUP set
    And "pub" receives PUBREC with packet identifier 9
    And "pub" sends PUBREL with packet identifier 9
    And "pub" receives PUBCOMP with packet identifier 9
    Then "sub" receives "once" on "q/e" exactly once

  @v5 @MQTT-4.3.3-12 @needs:qos2
  Scenario: After PUBCOMP, a QoS 2 PUBLISH with the same identifier is a new message
    Given "sub" is connected and subscribed to "q/f" at QoS 2
    And "pub" is connected
    When "pub" sends a PUBLISH of "first" to "q/f" at QoS 2 with packet identifier 11
    And "pub" completes the QoS 2 flow of packet identifier 11
    And "sub" receives "first" on "q/f"
    And "pub" sends a PUBLISH of "again" to "q/f" at QoS 2 with packet identifier 11
    And "pub" receives PUBREC with packet identifier 11
    And "pub" sends PUBREL with packet identifier 11
    And "pub" receives PUBCOMP with packet identifier 11
    Then "sub" receives "again" on "q/f"

  @v5 @MQTT-3.3.1-3 @needs:qos1
  Scenario: The DUP flag of a delivery does not copy the publisher's DUP flag
    Given "sub" is connected and subscribed to "q/g" at QoS 1
    And "pub" is connected
    When "pub" sends a PUBLISH of "dup" to "q/g" at QoS 1 with packet identifier 5 and DUP set
    And "pub" receives PUBACK with packet identifier 5
    Then "sub" receives a PUBLISH on "q/g" with QoS 1 and DUP 0 and payload "dup"

  @v5 @MQTT-3.8.4-8 @needs:qos2
  Scenario: A message is delivered at the lower of its QoS and the granted QoS
    Given "sub" is connected and subscribed to "q/h" at QoS 0
    And "pub" is connected
    When "pub" publishes "down" to "q/h" at QoS 2
    Then "sub" receives a PUBLISH on "q/h" with QoS 0 and payload "down"

  @v5 @MQTT-3.3.4-2 @needs:qos2 @needs:wildcards
  Scenario: Overlapping subscriptions: the message is delivered honouring the highest granted QoS
    Given "sub" is connected with the properties:
      | Keep Alive | 60 |
    And "sub" subscribes to:
      | filter  | qos |
      | q/o/+   | 2   |
      | q/o/x   | 1   |
    And "pub" is connected
    When "pub" publishes "overlap" to "q/o/x" at QoS 2
    Then "sub" receives "overlap" on "q/o/x" at QoS 2

  @v5 @MQTT-4.6.0-5 @MQTT-4.6.0-6 @needs:qos1
  Scenario: Messages from one publisher on one topic arrive in the order published
    Given "sub" is connected and subscribed to "q/order" at QoS 1
    And "pub" is connected
    When "pub" publishes 10 numbered messages to "q/order" at QoS 1
    Then "sub" receives the 10 numbered messages on "q/order" in order

  @v5 @MQTT-4.3.3-7 @needs:qos2
  Scenario: A QoS 2 delivery already sent is completed even after its Message Expiry Interval has passed
    Given "sub" is connected and subscribed to "q/x" at QoS 2
    And "pub" is connected
    When "pub" publishes "expiring" to "q/x" at QoS 2 with Message Expiry Interval 1
    And "sub" receives a PUBLISH on "q/x" with QoS 2 and payload "expiring" without acknowledging it
    And 2.2 seconds have passed
    And "sub" sends PUBREC for the PUBLISH
    Then "sub" receives PUBREL for the PUBLISH

  @v5 @MQTT-4.3.3-13 @needs:qos2
  Scenario: The server completes an inbound QoS 2 flow even after the message's expiry has passed
    Given "pub" is connected
    When "pub" sends a PUBLISH of "late" to "q/y" at QoS 2 with the properties:
      | Message Expiry Interval | 1 |
    And "pub" receives PUBREC for its PUBLISH with reason code 0x00 or 0x10
    And 2.2 seconds have passed
    And "pub" sends PUBREL for its PUBLISH
    Then "pub" receives PUBCOMP for its PUBLISH

  @v5 @MQTT-3.3.1-4 @MQTT-4.13.1-1
  Scenario: A PUBLISH with QoS 3 is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <36 09 00 03 74 2f 61 00 01 00 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-3.6.1-1 @MQTT-4.13.1-1
  Scenario: A PUBREL with flags 0000 is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <60 02 00 01>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-4.3.3-9 @needs:qos2
  Scenario: After a PUBREC of 0x80 or above, a PUBLISH with the same identifier is a new message
    Given "sub" is connected and subscribed to "q/r" at QoS 2
    And "pub" is connected
    When "pub" sends a QoS 2 PUBLISH to "q/r" with Payload Format Indicator 1 and a payload that is not UTF-8, with packet identifier 21
    And the server refuses it with a PUBREC of 0x80 or above for packet identifier 21, else the scenario is not applicable
    And "pub" sends a PUBLISH of "valid" to "q/r" at QoS 2 with packet identifier 21
    And "pub" receives PUBREC with packet identifier 21
    And "pub" sends PUBREL with packet identifier 21
    And "pub" receives PUBCOMP with packet identifier 21
    Then "sub" receives "valid" on "q/r"
