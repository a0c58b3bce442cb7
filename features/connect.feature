Feature: CONNECT: protocol name and level, flags, return codes, first packet
  The first packet a client sends is CONNECT; the server validates it and answers with a CONNACK
  as its own first packet, or closes the connection (MQTT 3.1.1 sections 3.1 and 3.2).

  Scenario Outline: A valid CONNECT is accepted with CONNACK return code 0 as the server's first packet (<version>)
    When "c" connects with CleanSession 1
    Then the server accepts the connection of "c" with Session Present 0
    And "c" remains connected

    @v3.1.1 @MQTT-3.1.4-4 @MQTT-3.2.0-1 @MQTT-3.2.2-1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1 @MQTT-3.1.4-4 @MQTT-3.2.0-1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.1.0-1 @MQTT-4.8.0-1
  Scenario Outline: A first packet other than CONNECT closes the connection unanswered (<packet>)
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c" without sending any packet

    Examples:
      | packet                  | bytes                                                                |
      | PINGREQ                 | c0 00                                                                |
      | PUBLISH                 | 30 06 00 03 74 2f 61 78                                              |
      | SUBSCRIBE               | 82 08 00 01 00 03 74 2f 61 00                                        |
      | DISCONNECT              | e0 00                                                                |
      # A server that ignored the first packet would go on to accept the CONNECT written behind it.
      | PINGREQ, then a CONNECT | c0 00 10 13 00 04 4d 51 54 54 04 02 00 3c 00 07 66 69 72 73 74 70 6b |

  @v3.1.1 @MQTT-3.1.0-2
  Scenario: A second CONNECT on the same connection is a protocol violation and closes it
    Given "c" is connected
    When "c" sends CONNECT again
    Then the server closes the connection of "c"

  @v3.1.1 @MQTT-3.1.2-1
  Scenario: A CONNECT with a protocol name other than "MQTT" is not accepted
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 13 00 04 4d 51 54 58 04 02 00 3c   # protocol name "MQTX", level 4, CleanSession 1
      00 07 62 61 64 6e 61 6d 65            # client identifier "badname"
      """
    Then the server does not accept the connection of "c"

  @v3.1.1 @MQTT-3.1.2-2 @MQTT-3.2.2-4 @MQTT-3.2.2-5
  Scenario: An unsupported protocol level is refused with return code 0x01, then the connection is closed
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 13 00 04 4d 51 54 54 7f 02 00 3c   # "MQTT", protocol level 127
      00 07 6c 65 76 65 6c 37 66            # client identifier "level7f"
      """
    Then the server refuses the connection of "c" with return code 0x01

  @v3.1.1 @MQTT-3.1.3-8 @MQTT-3.2.2-5 @MQTT-3.1.4-5 @needs:anonymous
  Scenario: After a refusing CONNACK the connection is closed: a CONNECT written behind the refused one gets no CONNACK
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 0c 00 04 4d 51 54 54 04 00 00 3c 00 00   # empty client identifier with CleanSession 0: refused with 0x02
      10 13 00 04 4d 51 54 54 04 02 00 3c         # then a valid 3.1.1 CONNECT in the same write
      00 07 6c 61 74 65 63 6f 6e                  # client identifier "latecon"
      """
    Then the server refuses the connection of "c" with return code 0x02

  @v3.1.1 @MQTT-3.1.4-5 @needs:retain
  Scenario: Nothing a client sends after a refused CONNECT is acted upon
    Given "c" opens a network connection
    When "c" sends a CONNECT with protocol level 127 followed by a retained PUBLISH of "must not be stored" to "t/refused"
    Then the server does not accept the connection of "c"
    When "late" is connected and subscribed to "t/refused" at QoS 0
    Then "late" receives no PUBLISH on "t/refused"

  @v3.1.1 @MQTT-3.1.2-3 @MQTT-3.1.4-1
  Scenario: A CONNECT with the reserved flag set is closed without a CONNACK
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      10 13 00 04 4d 51 54 54 04 03 00 3c   # Connect Flags 0x03: reserved bit 0 set
      00 07 72 73 76 62 69 74 31            # client identifier "rsvbit1"
      """
    Then the server closes the connection of "c" without sending CONNACK

  @v3.1.1 @MQTT-3.1.4-1
  Scenario Outline: A CONNECT whose flags and payload disagree is closed without a CONNACK (<case>)
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c" without sending CONNACK

    @MQTT-3.1.2-11 @MQTT-3.1.2-13
    Examples: Will QoS without the Will Flag
      | case                    | bytes                                                                        |
      | Will QoS 1, Will Flag 0 | 10 14 00 04 4d 51 54 54 04 0a 00 3c 00 08 77 71 6e 6f 66 6c 61 67            |

    @MQTT-3.1.2-11 @MQTT-3.1.2-15
    Examples: Will Retain without the Will Flag
      | case                       | bytes                                                                     |
      | Will Retain 1, Will Flag 0 | 10 14 00 04 4d 51 54 54 04 22 00 3c 00 08 77 72 6e 6f 66 6c 61 67         |

    @MQTT-3.1.2-14
    Examples: Will QoS 3
      | case       | bytes                                                                                          |
      | Will QoS 3 | 10 1b 00 04 4d 51 54 54 04 1e 00 3c 00 05 77 71 6f 73 33 00 03 77 2f 74 00 03 62 79 65         |

    @MQTT-3.1.2-9
    Examples: Will Flag without Will Topic and Will Message
      | case                  | bytes                                                                          |
      | Will Flag, no fields  | 10 14 00 04 4d 51 54 54 04 06 00 3c 00 08 77 6e 6f 66 69 65 6c 64              |

    @MQTT-3.1.2-22
    Examples: Password Flag without User Name Flag
      | case                 | bytes                                                                                |
      | password, no user    | 10 18 00 04 4d 51 54 54 04 42 00 3c 00 08 70 77 6e 6f 75 73 65 72 00 02 70 77       |

    @MQTT-3.1.2-19
    Examples: User Name Flag without a user name
      | case                    | bytes                                                                     |
      | User Name Flag, no name | 10 13 00 04 4d 51 54 54 04 82 00 3c 00 07 75 6e 6f 75 73 65 72            |

    @MQTT-3.1.2-21
    Examples: Password Flag without a password
      | case                       | bytes                                                                             |
      | Password Flag, no password | 10 17 00 04 4d 51 54 54 04 c2 00 3c 00 05 70 6e 6f 70 77 00 04 75 73 65 72        |

    @MQTT-3.1.2-18
    Examples: a user name without the User Name Flag
      | case                   | bytes                                                                                        |
      | user name, flag 0      | 10 19 00 04 4d 51 54 54 04 02 00 3c 00 07 75 6e 6f 66 6c 61 67 00 04 75 73 65 72             |

    @MQTT-3.1.2-20
    Examples: a password without the Password Flag
      | case                  | bytes                                                                                                  |
      | password, flag 0      | 10 1d 00 04 4d 51 54 54 04 82 00 3c 00 07 70 6e 6f 66 6c 61 67 00 04 75 73 65 72 00 02 70 77          |

    @MQTT-3.1.3-3
    Examples: no client identifier
      | case                 | bytes                                  |
      | empty payload        | 10 0a 00 04 4d 51 54 54 04 02 00 3c    |

  @v3.1.1 @MQTT-1.5.3-1
  Scenario Outline: A CONNECT with ill-formed UTF-8 in a string field is not accepted (<field>)
    Given "c" opens a network connection
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server does not accept the connection of "c"

    @MQTT-3.1.3-4
    Examples: client identifier
      | field                          | bytes                                                         |
      | client identifier, byte 0xFF   | 10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 63 69 64 ff         |
      | client identifier, U+D800      | 10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 63 ed a0 80         |

    @MQTT-3.1.3-10
    Examples: will topic
      | field                 | bytes                                                                                      |
      | will topic, byte 0xFF | 10 1c 00 04 4d 51 54 54 04 06 00 3c 00 06 77 74 75 74 66 38 00 03 77 2f ff 00 03 62 79 65  |

    @MQTT-3.1.3-11
    Examples: user name
      | field                | bytes                                                                   |
      | user name, byte 0xFF | 10 15 00 04 4d 51 54 54 04 82 00 3c 00 05 75 75 74 66 38 00 02 75 ff    |

  @v3.1.1 @optional @needs:connect-timeout
  Scenario: A connection that sends no CONNECT is closed after the server's CONNECT timeout
    Given "c" opens a network connection
    Then the server closes the connection of "c" within its CONNECT timeout
