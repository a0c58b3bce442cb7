Feature: MQTT 5.0 CONNECT and CONNACK
  The CONNECT handshake as MQTT 5.0 states it: reason codes instead of return codes, CONNACK
  properties, and the close (never a DISCONNECT) when a CONNECT is refused.

  @v5 @MQTT-3.1.4-5 @MQTT-3.2.2-1 @MQTT-3.2.2-2 @MQTT-3.1.2-4 @MQTT-3.2.2-8 @MQTT-2.2.2-1 @MQTT-1.5.5-1 @MQTT-3.2.0-1 @MQTT-4.12.0-6
  Scenario: A well-formed CONNECT with Clean Start 1 is accepted with CONNACK 0x00 and Session Present 0
    When "c" connects with the properties:
      | Clean Start | 1 |
    Then "c" receives CONNACK 0x00 with Session Present 0
    And the CONNACK to "c" has no "Authentication Method"
    And every packet the server sent has the fixed-header flags of its type
    And "c" remains connected

  @v5 @MQTT-3.1.3-5
  Scenario Outline: Client identifiers of 1 and 23 letters and digits are accepted (<id>)
    When "c" connects with the properties:
      | client identifier | <id> |
    Then "c" receives CONNACK 0x00 with Session Present 0

    Examples:
      | id                      |
      | z                       |
      | a1B2c3D4e5F6g7H8i9J0kLm |

  @v5 @MQTT-3.1.0-2 @MQTT-4.13.1-1 @MQTT-3.2.0-2 @MQTT-3.14.2-1 @MQTT-3.14.4-1 @MQTT-3.14.4-2
  Scenario: A second CONNECT is a Protocol Error: the server closes the connection and sends no second CONNACK
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    When "c" sends CONNECT again
    Then the server closes the connection of "c", optionally after DISCONNECT 0x82

  @v5 @MQTT-3.1.0-1 @MQTT-3.14.0-1
  Scenario Outline: A first packet other than CONNECT closes the connection without any packet (<bytes>)
    Given "c" opens a network connection
    When "c" sends the bytes <bytes>
    Then the server closes the connection of "c" without sending any packet

    Examples:
      | bytes                                  |
      | <c0 00>                                |
      | <82 0b 00 01 00 00 05 74 2f 76 35 61 00> |
      | <30 08 00 04 74 2f 76 35 00 78>        |

  @v5 @MQTT-3.1.2-1 @MQTT-3.14.0-1
  Scenario: A protocol name other than "MQTT" is refused: the close, optionally after CONNACK 0x84
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 10 00 04 4d 51 54 58 05 02 00 3c 00 00 03 76 35 61   # "MQTX", level 5, client id v5a
      """
    Then the server refuses the connection of "c", optionally with CONNACK 0x84

  @v5 @MQTT-3.1.2-2 @MQTT-3.14.0-1
  Scenario: An unsupported protocol version is refused: the close, optionally after CONNACK 0x84
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 10 00 04 4d 51 54 54 7f 02 00 3c 00 00 03 76 35 62   # level 127, client id v5b
      """
    Then the server refuses the connection of "c", optionally with CONNACK 0x84 or 0x01

  @v5 @MQTT-3.1.4-1 @MQTT-3.14.0-1 @MQTT-3.2.2-6 @MQTT-3.2.2-7
  Scenario Outline: A CONNECT that breaks the CONNECT format is refused: the close, optionally after CONNACK 0x81 or 0x82 (<bytes>)
    Given "c" opens a network connection
    When "c" sends the bytes <bytes>
    Then the server refuses the connection of "c", optionally with CONNACK 0x81 or 0x82

    @MQTT-3.1.2-3
    Examples: reserved Connect Flags bit set
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 03 00 3c 00 00 03 76 35 63>     |

    @MQTT-3.1.2-11
    Examples: Will QoS 1 without the Will Flag
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 0a 00 3c 00 00 03 76 35 64>     |

    @MQTT-3.1.2-13
    Examples: Will Retain without the Will Flag
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 22 00 3c 00 00 03 76 35 65>     |

    @MQTT-3.1.2-12
    Examples: Will QoS 3
      | bytes                                                                            |
      | <10 18 00 04 4d 51 54 54 05 1e 00 3c 00 00 03 76 35 66 00 00 02 77 2f 00 01 78>  |

    @MQTT-3.1.2-9
    Examples: Will Flag set without will properties, topic or payload
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 06 00 3c 00 00 03 76 35 67>     |

    @MQTT-3.1.2-17
    Examples: User Name Flag set without a user name
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 82 00 3c 00 00 03 76 35 68>     |

    @MQTT-3.1.2-16
    Examples: a user name in the payload without the User Name Flag
      | bytes                                                                |
      | <10 15 00 04 4d 51 54 54 05 02 00 3c 00 00 03 76 35 69 00 03 75 73 72> |

    @MQTT-3.1.2-19
    Examples: Password Flag set without a password
      | bytes                                                                |
      | <10 15 00 04 4d 51 54 54 05 c2 00 3c 00 00 03 76 35 6a 00 03 75 73 72> |

    @MQTT-3.1.2-18
    Examples: a password after the user name without the Password Flag
      | bytes                                                                         |
      | <10 1a 00 04 4d 51 54 54 05 82 00 3c 00 00 03 76 35 6b 00 03 75 73 72 00 03 70 77 64> |

    @MQTT-3.1.3-3
    Examples: no client identifier
      | bytes                                              |
      | <10 0b 00 04 4d 51 54 54 05 02 00 3c 00>           |

    @MQTT-3.1.3-4 @MQTT-1.5.4-1
    Examples: client identifier with an encoded surrogate (U+D800)
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 02 00 3c 00 00 03 ed a0 80>     |

    @MQTT-3.1.3-11
    Examples: will topic with an encoded surrogate
      | bytes                                                                               |
      | <10 19 00 04 4d 51 54 54 05 06 00 3c 00 00 03 76 35 6c 00 00 03 ed a0 80 00 01 78>  |

    @MQTT-3.1.3-12
    Examples: user name with an encoded surrogate
      | bytes                                                                |
      | <10 15 00 04 4d 51 54 54 05 82 00 3c 00 00 03 76 35 6d 00 03 ed a0 80> |

    @MQTT-1.5.7-1
    Examples: a User Property whose value has an encoded surrogate
      | bytes                                                                                   |
      | <10 19 00 04 4d 51 54 54 05 02 00 3c 09 26 00 01 6b 00 03 ed a0 80 00 03 76 35 6e>      |

    @MQTT-1.5.4-2
    Examples: client identifier with U+0000
      | bytes                                                       |
      | <10 10 00 04 4d 51 54 54 05 02 00 3c 00 00 03 76 00 6f>     |

  @v5 @MQTT-3.1.3-6 @MQTT-3.1.3-7 @MQTT-3.2.2-16 @MQTT-3.1.3-8
  Scenario: A zero-length client identifier gets a unique Assigned Client Identifier, or CONNACK 0x85
    When "a" connects with the properties:
      | client identifier | <empty> |
    And "b" connects with the properties:
      | client identifier | <empty> |
    Then the server either assigns "a" and "b" distinct client identifiers or refuses each with CONNACK 0x85

  @v5 @MQTT-3.1.3-7 @MQTT-3.1.4-3
  Scenario: The Assigned Client Identifier identifies the session: a CONNECT with it takes the first connection over
    Given "a" is connected with the properties:
      | client identifier | <empty> |
    When "b" connects with the client identifier assigned to "a"
    Then "b" receives CONNACK 0x00 with Session Present 0
    And the server closes the connection of "a", optionally after DISCONNECT 0x8E

  @v5 @MQTT-3.1.3-8 @MQTT-3.2.2-6 @MQTT-3.2.2-7
  Scenario: A client identifier of 100 characters is accepted, or refused with CONNACK 0x85 and the close
    When "c" connects with the properties:
      | client identifier | x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789 |
    Then the server either accepts the connection of "c" or refuses it with CONNACK 0x85

  @v5 @MQTT-3.1.4-3 @MQTT-3.14.2-2 @MQTT-3.14.2-1
  Scenario: A second connection with the same client identifier closes the first (DISCONNECT 0x8E allowed, without Session Expiry Interval)
    Given "first" is connected with the properties:
      | Session Expiry Interval | 30 |
    When "second" connects with the client identifier of "first"
    Then "second" receives CONNACK 0x00 with Session Present 0
    And the server closes the connection of "first", optionally after DISCONNECT 0x8E

  @v5 @MQTT-3.1.4-6 @MQTT-4.12.0-1 @MQTT-3.2.2-6 @MQTT-3.2.2-7 @MQTT-4.13.2-1
  Scenario: After refusing a CONNECT the server ignores what follows: a pipelined retained PUBLISH is not stored
    Given "c" opens a network connection
    When "c" sends a CONNECT with an unknown Authentication Method followed by a retained PUBLISH of "leak" to "refused/r"
    Then the server refuses the connection of "c", optionally with CONNACK 0x8C or 0x87
    And "late" is connected and subscribed to "refused/r" at QoS 0
    And "late" receives no PUBLISH on "refused/r"

  @v5 @MQTT-3.1.2-28
  Scenario Outline: Without Request Response Information 1 the CONNACK has no Response Information (<value>)
    When "c" connects with the properties:
      | Request Response Information | <value> |
    Then "c" receives CONNACK 0x00 with Session Present 0
    And the CONNACK to "c" has no "Response Information"

    Examples:
      | value |
      | 0     |

  @v5 @MQTT-3.1.2-22 @MQTT-3.2.2-22
  Scenario: The server closes a silent connection within 1.5 times the Keep Alive (the Server Keep Alive when it sends one)
    Given "c" is connected with the properties:
      | Keep Alive | 1 |
    Then the server closes the connection of "c" within 1.5 times its Keep Alive

  @v5 @MQTT-3.12.4-1
  Scenario: PINGREQ is answered with PINGRESP
    Given "c" is connected with the properties:
      | Keep Alive | 60 |
    When "c" sends PINGREQ
    Then "c" receives PINGRESP
