@client
Feature: Client: UTF-8 encoded strings

  # EF BB BF is U+FEFF, a character of the string: the receiver keeps it (3.1.1 1.5.3, 5.0 1.5.4).
  Scenario Outline: A client keeps U+FEFF (bytes EF BB BF) in the topic of a PUBLISH it receives (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/#" at QoS 0
    When the server accepts the connection
    And the server grants the subscription
    And the server sends the bytes
      """
      <bytes>
      """
    Then the client reports the message "m" on the topic "t/\uFEFFa"

    @v3.1.1 @MQTT-1.5.3-3
    Examples: MQTT 3.1.1
      | version | bytes |
      | 3.1.1 | 30 09 00 06 74 2f ef bb bf 61 6d |

    @v5 @MQTT-1.5.4-3
    Examples: MQTT 5.0
      | version | bytes |
      | 5.0 | 30 0a 00 06 74 2f ef bb bf 61 00 6d |

  # The client may refuse the topic or drop the message; it must not put U+0000 on the wire.
  @needs:several-topics
  Scenario Outline: A client does not publish to a topic name holding U+0000 (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "bad" to "t/a\u0000b" at QoS 0
    And the client is told to publish "good" to "t/ok" at QoS 0
    When the server accepts the connection
    Then the server receives no PUBLISH with U+0000 in its topic before the PUBLISH of "good"

    @v3.1.1 @MQTT-4.7.3-2 @MQTT-1.5.3-2
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-4.7.3-2 @MQTT-1.5.4-2
    Examples: MQTT 5.0
      | version |
      | 5.0 |
