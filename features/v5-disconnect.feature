Feature: MQTT 5.0 DISCONNECT, malformed packets and protocol errors

  @v5 @MQTT-3.14.1-1 @MQTT-4.13.1-1 @MQTT-2.1.3-1
  Scenario: A DISCONNECT with reserved flags set is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <e1 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  # @optional: MQTT-4.13.1-1 binds a server that detects the error; section 4.13.1 lets it choose
  # how rigorously it checks, and no statement makes this check a server MUST. Informational.
  @v5 @optional @MQTT-2.1.3-1 @MQTT-4.13.1-1
  Scenario: A PINGREQ with reserved flags set is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <c1 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-2.2.2-1 @MQTT-4.13.1-1
  Scenario: A PUBLISH without its Property Length is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <32 07 00 03 74 2f 61 00 01>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-4.13.1-1
  Scenario: A Property Length beyond the packet is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 07 00 03 74 2f 61 09 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-4.13.1-1
  Scenario: A property repeated where the spec allows one is a Protocol Error: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 0b 00 03 74 2f 61 04 01 01 01 01 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-3.14.4-1 @MQTT-3.14.4-2 @MQTT-3.14.2-1 @MQTT-4.13.2-1 @MQTT-3.14.2-2
  Scenario: After a server DISCONNECT nothing more is sent and the connection is closed
    Given "first" is connected with the properties:
      | Session Expiry Interval | 10 |
    When "second" connects with the client identifier of "first"
    Then "second" receives CONNACK 0x00 with Session Present 0
    And the server closes the connection of "first", optionally after DISCONNECT 0x8E

  @v5 @MQTT-4.12.0-7 @MQTT-4.13.1-1
  Scenario: AUTH without an Authentication Method in CONNECT is a Protocol Error
    Given "c" is connected
    When "c" sends AUTH with reason code 0x19 and Authentication Method "SCRAM-SHA-256"
    Then the server closes the connection of "c", optionally after DISCONNECT 0x82 or 0x8C

  @v5 @MQTT-3.15.1-1 @MQTT-4.13.1-1
  Scenario: AUTH with reserved flags set is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <f1 00>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-4.12.0-1 @MQTT-3.2.2-6 @MQTT-3.2.2-7 @MQTT-4.13.2-1
  Scenario: An Authentication Method the server does not support is refused with CONNACK 0x8C or 0x87, then the close
    When "c" connects with the properties:
      | Authentication Method | x-conformance-unknown-method |
    Then "c" receives CONNACK with reason code 0x8C or 0x87

  @v5 @MQTT-3.1.2-29
  Scenario: With Request Problem Information 0 no acknowledgement carries a Reason String or User Property
    Given "c" is connected with the properties:
      | Request Problem Information | 0 |
    When "c" publishes "x" to "rp/nobody" at QoS 1 and accepts any success acknowledgement
    And "c" sends UNSUBSCRIBE for the filters "rp/none"
    And "c" receives UNSUBACK with reason codes "0x00|0x11"
    And "c" sends PUBREL with packet identifier 999
    And "c" receives PUBCOMP with packet identifier 999
    And "c" sends SUBSCRIBE to the filter "{ns}/a/#/b" at QoS 0
    And the server refuses the subscription of "c" with SUBACK 0x8F or 0x80 or 0x83, or closes the connection
    # A refusal the server may give with a Reason String when asked for one (PUBREC 0x99), else PUBREC
    # 0x00; a server may also refuse it with DISCONNECT 0x99 (section 3.3.2.3.2), so this comes last.
    And if "c" is still connected, it sends a QoS 2 PUBLISH to "rp/bad" with Payload Format Indicator 1 and a payload that is not UTF-8, with packet identifier 998
    And if "c" is still connected, it receives PUBREC with packet identifier 998, or DISCONNECT 0x99 and the close
    Then no packet the server sent to "c" other than CONNACK, DISCONNECT and PUBLISH has a Reason String or User Property
