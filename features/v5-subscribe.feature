Feature: MQTT 5.0 SUBSCRIBE, subscription options, SUBACK and UNSUBACK reason codes

  @v5 @MQTT-3.8.4-1 @MQTT-3.8.4-2 @MQTT-2.2.1-6 @MQTT-3.8.4-5 @MQTT-3.8.4-6 @MQTT-3.8.4-7 @MQTT-3.9.3-1 @MQTT-3.9.3-2 @needs:wildcards
  Scenario: SUBACK answers with the identifier and one defined reason code per filter, in order
    Given "c" is connected
    When "c" sends SUBSCRIBE for:
      | filter | qos |
      | s/a    | 2   |
      | s/b/+  | 0   |
      | s/c/#  | 1   |
    Then "c" receives SUBACK with return codes "<=2, 0x00, <=1"

  @v5 @MQTT-4.7.1-1 @MQTT-4.13.1-1 @needs:wildcards
  Scenario Outline: A filter with a misplaced "#" is refused with SUBACK 0x8F, or the connection closed (<filter>)
    Given "c" is connected
    When "c" sends SUBSCRIBE to the filter "<filter>" at QoS 0
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x83, or closes the connection

    Examples:
      | filter        |
      | {ns}/a/#/b    |
      | {ns}/a#       |

  @v5 @MQTT-4.7.1-2 @MQTT-4.13.1-1 @needs:wildcards
  Scenario: A "+" that does not fill its level is refused with SUBACK 0x8F, or the connection closed
    Given "c" is connected
    When "c" sends SUBSCRIBE to the filter "{ns}/sport+" at QoS 0
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x83, or closes the connection

  @v5 @MQTT-4.7.3-1 @MQTT-4.13.1-1
  Scenario: An empty topic filter is refused, or the connection closed
    Given "c" is connected
    When "c" sends the bytes <82 06 00 01 00 00 00 00>
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x83, or closes the connection

  @v5 @MQTT-3.8.1-1 @MQTT-4.13.1-1 @MQTT-2.1.3-1
  Scenario: SUBSCRIBE with flags 0000 is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <80 0a 00 01 00 00 04 74 2f 76 35 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-3.8.3-5 @MQTT-4.13.1-1
  Scenario: Subscription Options with reserved bits 6-7 set are malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <82 0a 00 01 00 00 04 74 2f 76 35 c0>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-3.8.3-2 @MQTT-4.13.1-1
  Scenario: A SUBSCRIBE without any filter is a Protocol Error: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <82 03 00 01 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-3.8.3-1 @MQTT-1.5.4-1 @MQTT-4.13.1-1
  Scenario: A topic filter with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <82 09 00 01 00 00 03 ed a0 80 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-4.7.3-2 @MQTT-1.5.4-2 @MQTT-4.13.1-1
  Scenario: A topic filter with U+0000 is refused, or the connection closed
    Given "c" is connected
    When "c" sends the bytes <82 09 00 01 00 00 03 61 00 62 00>
    Then the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x83, or closes the connection

  @v5 @MQTT-3.8.3-3
  Scenario: No Local: a message is not sent back to the connection that published it
    Given "c" is connected
    And "c" subscribes to "nl/a" at QoS 0 with the options:
      | No Local | 1 |
    And "other" is connected and subscribed to "nl/a" at QoS 0
    When "c" publishes "mine" to "nl/a" at QoS 0
    Then "other" receives "mine" on "nl/a"
    And "c" receives no PUBLISH on "nl/a"

  @v5 @MQTT-3.8.3-3
  Scenario: No Local 0: a message is sent back to the connection that published it
    Given "c" is connected
    And "c" subscribes to "nl/b" at QoS 0 with the options:
      | No Local | 0 |
    When "c" publishes "echo" to "nl/b" at QoS 0
    Then "c" receives "echo" on "nl/b"

  @v5 @MQTT-3.8.4-3 @needs:qos1
  Scenario: A SUBSCRIBE with an existing filter replaces the subscription: its new QoS applies and one copy arrives
    Given "sub" is connected and subscribed to "rp/a" at QoS 0
    And "sub" subscribes to "rp/a" at QoS 1 with the options:
      | No Local | 0 |
    And "pub" is connected
    When "pub" publishes "replaced" to "rp/a" at QoS 1
    Then "sub" receives "replaced" on "rp/a" at QoS 1
    And "sub" does not receive "replaced" on "rp/a"

  @v5 @MQTT-3.3.2-3 @needs:wildcards
  Scenario: Deliveries carry a topic name the subscription's filter matches
    Given "sub" is connected and subscribed to "wc/+/x/#" at QoS 0
    And "pub" is connected
    When "pub" publishes "m1" to "wc/a/x" at QoS 0
    And "pub" publishes "m2" to "wc/a/y" at QoS 0
    And "pub" publishes "m3" to "wc/b/x/c/d" at QoS 0
    Then "sub" receives "m1" on "wc/a/x"
    And "sub" receives "m3" on "wc/b/x/c/d"
    And "sub" does not receive "m2" on "wc/a/y"

  @v5 @MQTT-4.7.2-1 @needs:wildcards @needs:sys
  Scenario: Filters starting with a wildcard do not match topics starting with "$"
    Given "control" is connected and subscribed to "$SYS/#" at QoS 0
    And "control" receives a PUBLISH on a topic under "$SYS/"
    When "sub" is connected
    And "sub" subscribes to a filter of "+", the second level of that topic and "#"
    And "control" receives a newly published PUBLISH on a topic under "$SYS/"
    Then "sub" receives a marker published to a topic that filter matches, with no PUBLISH on a topic beginning with $ before it

  @v5 @MQTT-4.7.3-4 @MQTT-1.5.4-3
  Scenario: Topic matching neither normalises nor drops characters: a BOM and a different case do not match
    Given "sub" is connected
    And "sub" subscribes to the escaped topic "nm/\uFEFFa" at QoS 0
    And "pub" is connected
    When "pub" publishes "plain" to the escaped topic "nm/a" at QoS 0
    And "pub" publishes "upper" to the escaped topic "nm/\uFEFFA" at QoS 0
    And "pub" publishes "bom" to the escaped topic "nm/\uFEFFa" at QoS 0
    Then "sub" receives "bom" on the escaped topic "nm/\uFEFFa"
    And "sub" does not receive "plain" on the escaped topic "nm/a"
    And "sub" does not receive "upper" on the escaped topic "nm/\uFEFFA"

  @v5 @MQTT-4.7.3-3
  Scenario: A topic of 65535 bytes is routed
    Given "sub" is connected
    And "sub" subscribes to the 65535-byte topic "long" at QoS 0
    And "pub" is connected
    When "pub" publishes "far" to the 65535-byte topic "long" at QoS 0
    Then "sub" receives "far" on the 65535-byte topic "long"

  @v5 @MQTT-3.10.4-4 @MQTT-3.10.4-5 @MQTT-3.11.3-1 @MQTT-3.11.3-2 @MQTT-3.10.4-6 @MQTT-3.10.4-1
  Scenario: UNSUBACK has one defined reason code per filter, in order: 0x00 for a removed subscription, 0x00 or 0x11 for none
    Given "c" is connected and subscribed to "us/a" at QoS 0
    When "c" sends UNSUBSCRIBE for the filters "us/a, us/none, us/+"
    Then "c" receives UNSUBACK with reason codes "0x00, 0x00|0x11, 0x00|0x11"

  @v5 @MQTT-3.10.4-1 @MQTT-3.10.4-2 @needs:wildcards
  Scenario: UNSUBSCRIBE removes only the exactly equal filter
    Given "sub" is connected
    And "sub" subscribes to:
      | filter | qos |
      | ux/b   | 0   |
      | ux/+   | 0   |
    And "sub" unsubscribes from "ux/+"
    And "pub" is connected
    When "pub" publishes "still" to "ux/b" at QoS 0
    And "pub" publishes "gone" to "ux/c" at QoS 0
    Then "sub" receives "still" on "ux/b"
    And "sub" does not receive "gone" on "ux/c"

  @v5 @MQTT-3.10.4-3 @needs:qos1
  Scenario: A QoS 1 delivery started before UNSUBSCRIBE is still completed
    Given "sub" is connected with Session Expiry Interval 0
    And "sub" is subscribed to "uy/a" at QoS 1
    And "pub" is connected
    When "pub" publishes "inflight" to "uy/a" at QoS 1
    And "sub" receives a PUBLISH on "uy/a" with QoS 1 and payload "inflight" without acknowledging it
    And "sub" unsubscribes from "uy/a"
    And "sub" acknowledges the PUBLISH
    Then "sub" remains connected

  @v5 @MQTT-3.10.1-1 @MQTT-4.13.1-1
  Scenario: UNSUBSCRIBE with flags 0000 is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <a0 09 00 01 00 00 04 74 2f 76 35>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-3.10.3-2 @MQTT-4.13.1-1
  Scenario: An UNSUBSCRIBE without any filter is a Protocol Error: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <a2 03 00 01 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-3.10.3-1 @MQTT-4.13.1-1
  Scenario: An UNSUBSCRIBE filter with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <a2 08 00 01 00 00 03 ed a0 80>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81
