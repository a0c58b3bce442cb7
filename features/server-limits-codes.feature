Feature: Refusals forced by a server's limits use only the codes of the protocol version in use
  What exceeds a server's resources (very deep or very long topic filters, many filters in one
  SUBSCRIBE, a very long client identifier, a large payload) the server may accept or refuse:
  the specification leaves its limits to it. It fixes only how it refuses: with a code of the
  version the client speaks (MQTT 3.1.1: SUBACK 0x00, 0x01, 0x02 or 0x80, MQTT-3.9.3-2; CONNACK
  0x02 for a client identifier it rejects, MQTT-3.1.3-9, codes 6-255 being reserved; MQTT 5.0: the
  reason codes defined for each packet, MQTT-3.9.3-2, MQTT-3.2.2-8, MQTT-3.4.2-1), or by closing
  the connection where the specification allows it (3.1.1: a transient error such as a full
  buffer, MQTT-4.8.0-2; a CONNACK is optional when no return code fits, MQTT-3.2.2-6; 5.0:
  optionally after a DISCONNECT with a defined reason code). A granted QoS is never above the
  one requested. The spec sets no time for the answer: a server may take long over a large
  SUBSCRIBE (RabbitMQ 3.10 needs about 10 ms per filter), so the SUBACK is awaited ten times the
  usual bound. A declared maximum packet size (the profile's, or the server's Maximum Packet
  Size in an MQTT 5 CONNACK) makes a scenario whose packet exceeds it not applicable.

  Scenario Outline: A SUBSCRIBE with <what> is granted or refused with codes of the version, or the connection closed (<version>)
    Given "c" is connected
    When "c" sends a SUBSCRIBE with <subscribe>
    Then the server answers "c" with a SUBACK code of its protocol version for each filter, or closes the connection

    @v3.1.1 @MQTT-3.9.3-2 @MQTT-3.8.4-5 @MQTT-3.8.4-1
    Examples: MQTT 3.1.1
      | version | what                                | subscribe                                                  |
      | 3.1.1   | a topic filter of 1000 levels       | one topic filter of 1000 levels at QoS 1                   |
      | 3.1.1   | a 65535-byte topic filter           | one 65535-byte topic filter "long/" at QoS 1               |
      | 3.1.1   | 200 topic filters                   | 200 topic filters under "many" at QoS 2                    |

    @v5 @MQTT-3.9.3-2 @MQTT-3.8.4-6 @MQTT-3.8.4-1
    Examples: MQTT 5.0
      | version | what                                | subscribe                                                  |
      | 5.0     | a topic filter of 1000 levels       | one topic filter of 1000 levels at QoS 1                   |
      | 5.0     | a 65535-byte topic filter           | one 65535-byte topic filter "long/" at QoS 1               |
      | 5.0     | 200 topic filters                   | 200 topic filters under "many" at QoS 2                    |

  Scenario Outline: A client identifier of <length> characters is accepted or refused with a CONNACK code of the version, or the connection closed (<version>)
    When "c" connects with a <length>-character client identifier
    Then the server accepts the connection of "c" or refuses it with a CONNACK code of its protocol version, or closes it

    @v3.1.1 @MQTT-3.1.3-9
    Examples: MQTT 3.1.1
      | version | length |
      | 3.1.1   | 1000   |
      | 3.1.1   | 65535  |

    @v5 @MQTT-3.2.2-8
    Examples: MQTT 5.0
      | version | length |
      | 5.0     | 1000   |
      | 5.0     | 65535  |

  Scenario Outline: A PUBLISH with a <size>-byte payload is acknowledged with codes of the version, or the connection closed (<version>)
    Given "c" is connected
    When "c" tries to publish a <size>-byte message to "big/a" at QoS 1
    Then the server acknowledges it with a code of its protocol version, or closes the connection of "c"

    @v3.1.1 @MQTT-3.3.4-1
    Examples: MQTT 3.1.1
      | version | size    |
      | 3.1.1   | 1000000 |
      | 3.1.1   | 8000000 |

    @v5 @MQTT-3.4.2-1 @MQTT-3.14.2-1
    Examples: MQTT 5.0
      | version | size    |
      | 5.0     | 1000000 |
      | 5.0     | 8000000 |
