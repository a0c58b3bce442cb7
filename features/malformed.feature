Feature: Malformed packets and protocol violations
  A packet that breaks the protocol (reserved flag bits, a bad Remaining Length, ill-formed UTF-8,
  wildcards in a topic name, QoS 3, packet identifier 0, an empty payload where one is required)
  makes the server close the network connection (MQTT 3.1.1 sections 1.5.3, 2.2, 2.3, 4.7, 4.8).
  Each scenario first proves the connection works, then sends the bad bytes.

  @v3.1.1 @MQTT-2.2.2-2 @MQTT-4.8.0-1
  Scenario Outline: Invalid fixed-header flags close the connection (<packet> with flags <flags>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    Examples: packets whose flags must be 0000
      | packet     | flags | bytes       |
      | PINGREQ    | 0001  | c1 00       |
      | PINGREQ    | 1000  | c8 00       |
      | PUBACK     | 0010  | 42 02 00 01 |
      | PUBREC     | 0001  | 51 02 00 01 |
      | PUBCOMP    | 0100  | 74 02 00 01 |

    @MQTT-3.14.1-1
    Examples: DISCONNECT
      | packet     | flags | bytes |
      | DISCONNECT | 0001  | e1 00 |

    @MQTT-3.6.1-1
    Examples: PUBREL must have 0010
      | packet | flags | bytes       |
      | PUBREL | 0000  | 60 02 00 01 |

    @MQTT-3.8.1-1
    Examples: SUBSCRIBE must have 0010
      | packet    | flags | bytes                         |
      | SUBSCRIBE | 0000  | 80 08 00 01 00 03 74 2f 61 00 |
      | SUBSCRIBE | 0011  | 83 08 00 01 00 03 74 2f 61 00 |

    @MQTT-3.10.1-1
    Examples: UNSUBSCRIBE must have 0010
      | packet      | flags | bytes                      |
      | UNSUBSCRIBE | 0000  | a0 07 00 01 00 03 74 2f 61 |

  @v3.1.1 @MQTT-2.2.2-1 @needs:qos2
  Scenario: Every packet the server sends carries the fixed-header flags its type requires
    Given "sub" is connected and subscribed to "t/a" at QoS 2
    And "pub" is connected
    When "pub" publishes "two" to "t/a" at QoS 2
    And "pub" publishes "one" to "t/a" at QoS 1
    And "pub" publishes "zero" to "t/a" at QoS 0
    Then "sub" receives a PUBLISH on "t/a" with payload "two"
    And "sub" receives a PUBLISH on "t/a" with payload "one"
    And "sub" receives a PUBLISH on "t/a" with payload "zero"
    When "sub" unsubscribes from "t/a"
    And "sub" sends PINGREQ
    Then "sub" receives PINGRESP
    And every packet the server sent has the fixed-header flags of its type

  @v3.1.1 @MQTT-4.8.0-1
  Scenario Outline: A malformed Remaining Length or a field overrunning the packet closes the connection (<case>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    Examples:
      | case                                      | bytes                      |
      | Remaining Length of five bytes            | 30 ff ff ff ff 01          |
      | topic length beyond the Remaining Length  | 30 04 00 05 74 2f          |
      | SUBSCRIBE filter beyond the packet        | 82 06 00 01 00 09 74 2f    |

  @v3.1.1 @MQTT-1.5.3-1 @MQTT-4.8.0-1
  Scenario Outline: Ill-formed UTF-8 in a topic or filter closes the connection (<case>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    @MQTT-3.3.2-1
    Examples: PUBLISH topic name
      | case                           | bytes                         |
      | PUBLISH, byte 0xFF             | 30 06 00 03 74 2f ff 78       |
      | PUBLISH, encoded U+D800        | 30 08 00 05 74 2f ed a0 80 78 |
      | PUBLISH, overlong "/" (C0 AF)  | 30 07 00 04 74 c0 af 61 78    |

    @MQTT-3.8.3-1
    Examples: SUBSCRIBE topic filter
      | case                 | bytes                         |
      | SUBSCRIBE, byte 0xFF | 82 08 00 01 00 03 74 2f ff 00 |

    @MQTT-3.10.3-1
    Examples: UNSUBSCRIBE topic filter
      | case                   | bytes                      |
      | UNSUBSCRIBE, byte 0xFF | a2 07 00 01 00 03 74 2f ff |

  @v3.1.1 @MQTT-1.5.3-2 @MQTT-4.7.3-2 @MQTT-4.8.0-1
  Scenario: A topic name containing U+0000 closes the connection
    Given "c" is connected
    When "c" sends the bytes
      """
      30 06 00 03 74 00 61 78   # PUBLISH QoS 0, topic "t\0a", payload "x"
      """
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-3.3.2-2 @MQTT-4.7.1-1 @MQTT-4.8.0-1
  Scenario Outline: A wildcard in a PUBLISH topic name closes the connection (<topic>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    Examples:
      | topic | bytes                   |
      | t/+   | 30 06 00 03 74 2f 2b 78 |
      | t/#   | 30 06 00 03 74 2f 23 78 |
      | +     | 30 04 00 01 2b 78       |

  @v3.1.1 @MQTT-3.3.1-4
  Scenario: A PUBLISH with QoS 3 closes the connection
    Given "c" is connected
    When "c" sends the bytes
      """
      36 08 00 03 74 2f 61 00 01 78   # PUBLISH, QoS bits 11, packet id 1, payload "x"
      """
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-2.3.1-1 @MQTT-4.8.0-1
  Scenario Outline: Packet identifier 0 closes the connection (<packet>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    Examples:
      | packet          | bytes                         |
      | PUBLISH QoS 1   | 32 08 00 03 74 2f 61 00 00 78 |
      | PUBLISH QoS 2   | 34 08 00 03 74 2f 61 00 00 78 |
      | SUBSCRIBE       | 82 08 00 00 00 03 74 2f 61 00 |
      | UNSUBSCRIBE     | a2 07 00 00 00 03 74 2f 61    |

  @v3.1.1 @MQTT-4.7.3-1 @MQTT-4.8.0-1
  Scenario: A PUBLISH with an empty topic name closes the connection
    Given "c" is connected
    When "c" sends the bytes
      """
      30 03 00 00 78   # PUBLISH QoS 0, topic "", payload "x"
      """
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-4.7.3-1
  Scenario: A SUBSCRIBE with an empty topic filter is refused or closes the connection
    Given "c" is connected
    When "c" sends SUBSCRIBE with an empty topic filter
    Then the server refuses the subscription of "c" or closes the connection

  @v3.1.1 @MQTT-3.8.3-3 @MQTT-4.8.0-1
  Scenario: A SUBSCRIBE without any topic filter closes the connection
    Given "c" is connected
    When "c" sends the bytes
      """
      82 02 00 01   # SUBSCRIBE, packet id 1, no payload
      """
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-3.10.3-2 @MQTT-4.8.0-1
  Scenario: An UNSUBSCRIBE without any topic filter closes the connection
    Given "c" is connected
    When "c" sends the bytes
      """
      a2 02 00 01   # UNSUBSCRIBE, packet id 1, no payload
      """
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-3.8.3-4
  Scenario Outline: A SUBSCRIBE requesting an invalid QoS byte closes the connection (<case>)
    Given "c" is connected
    When "c" sends the bytes
      """
      82 08 00 01 00 03 74 2f 61 <qos byte>
      """
    Then the server closes the connection of "c"

    Examples:
      | case                 | qos byte |
      | QoS 3                | 03       |
      | reserved bit 2 set   | 04       |
      | reserved bits 7..2   | fc       |
