@client
Feature: Client: reaction to malformed packets from the server
  A client that receives a malformed packet or a protocol violation closes the network connection
  (3.1.1 section 4.8, 5.0 section 4.13).

  Scenario Outline: A client closes the connection on <what> (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 1
    When the server accepts the connection
    And the server grants the subscription
    And the server sends the bytes
      """
      <bytes>
      """
    Then the client closes the connection

    @v3.1.1 @MQTT-3.3.1-4 @MQTT-4.8.0-1
    Examples: MQTT 3.1.1, QoS 3
      | version | what | bytes |
      | 3.1.1 | a PUBLISH with QoS 3 | 36 08 00 03 74 2f 61 00 01 78 |

    @v3.1.1 @MQTT-1.5.3-1 @MQTT-3.3.2-1 @MQTT-4.8.0-1
    Examples: MQTT 3.1.1, ill-formed UTF-8
      | version | what | bytes |
      | 3.1.1 | a PUBLISH whose topic is ill-formed UTF-8 | 30 06 00 03 74 2f ff 78 |

    @v3.1.1 @MQTT-1.5.3-2 @MQTT-4.7.3-2 @MQTT-4.8.0-1
    Examples: MQTT 3.1.1, U+0000
      | version | what | bytes |
      | 3.1.1 | a PUBLISH whose topic contains U+0000 | 30 06 00 03 74 00 61 78 |

    @v3.1.1 @MQTT-2.2.2-2 @MQTT-4.8.0-1
    Examples: MQTT 3.1.1, reserved flags
      | version | what | bytes |
      | 3.1.1 | a SUBACK with reserved flags set | 91 03 00 01 01 |

    @v5 @MQTT-3.3.1-4
    Examples: MQTT 5.0, QoS 3
      | version | what | bytes |
      | 5.0 | a PUBLISH with QoS 3 | 36 09 00 03 74 2f 61 00 01 00 78 |

    @v5 @MQTT-1.5.4-1 @MQTT-3.3.2-1
    Examples: MQTT 5.0, ill-formed UTF-8
      | version | what | bytes |
      | 5.0 | a PUBLISH whose topic is ill-formed UTF-8 | 30 07 00 03 74 2f ff 00 78 |

    @v5 @MQTT-1.5.4-2 @MQTT-4.7.3-2
    Examples: MQTT 5.0, U+0000
      | version | what | bytes |
      | 5.0 | a PUBLISH whose topic contains U+0000 | 30 07 00 03 74 00 61 00 78 |
