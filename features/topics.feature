Feature: Topic names and filters: exact, case-sensitive matching of UTF-8 text
  The server matches topic names and filters character for character: no case folding, no
  Unicode normalisation, no dropping or substituting of characters it does not recognise, and a
  U+FEFF (bytes EF BB BF) is an ordinary character it keeps. Topics of up to 65535 bytes are
  valid (MQTT 3.1.1 sections 1.5.3 and 4.7.3). Characters are written as \uXXXX escapes where the
  text would not show them.

  @MQTT-4.7.3-4 @MQTT-3.3.2-3
  Scenario Outline: Topic names and filters are case sensitive (<version>)
    Given "sub" is connected and subscribed to "Case/Topic" at QoS 1
    And "pub" is connected
    When "pub" publishes "other case" to "case/topic" at QoS 1
    And "pub" publishes "same case" to "Case/Topic" at QoS 1
    Then "sub" receives "same case" on "Case/Topic"
    And "sub" does not receive "other case" on "case/topic"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-4.7.3-4 @MQTT-3.3.2-3
  Scenario Outline: A topic differing only in <difference> is a different topic
    Given "sub" is connected
    And "sub" subscribes to the escaped topic "<filter>" at QoS 1
    And "pub" is connected
    When "pub" publishes "look-alike" to the escaped topic "<other>" at QoS 1
    And "pub" publishes "identical" to the escaped topic "<filter>" at QoS 1
    Then "sub" receives "identical" on the escaped topic "<filter>"
    And "sub" does not receive "look-alike" on the escaped topic "<other>"

    Examples:
      | difference                                  | filter             | other               |
      | Unicode normalisation (NFC vs NFD)          | n/caf\u00e9        | n/cafe\u0301        |
      | Unicode normalisation (NFD vs NFC)          | n/cafe\u0301       | n/caf\u00e9         |
      | a trailing separator                        | n/a                | n/a/                |
      | a leading space                             | n/ a               | n/a                 |
      | a full-width letter                         | n/\uff21           | n/A                 |
      | a byte order mark                           | n/\ufeffbom        | n/bom               |

  @v3.1.1 @MQTT-1.5.3-3 @MQTT-4.7.3-4
  Scenario Outline: Characters are forwarded unchanged in the topic name (<case>)
    Given "sub" is connected
    And "sub" subscribes to the escaped topic "<topic>" at QoS 1
    And "pub" is connected
    When "pub" publishes "unchanged" to the escaped topic "<topic>" at QoS 1
    Then "sub" receives "unchanged" on the escaped topic "<topic>"

    Examples:
      | case                                   | topic               |
      | U+FEFF inside a level                  | k/a\ufeffb          |
      | U+FEFF as a whole level                | k/\ufeff/x          |
      | a private-use character U+E000         | k/\ue000            |
      | a 4-byte character U+1F600             | k/\u{1F600}         |
      | a combining mark                       | k/e\u0301           |

  @v3.1.1 @MQTT-4.7.3-3
  Scenario: A topic of 65535 bytes, the most the length prefix allows, is valid and routed
    Given "sub" is connected
    And "sub" subscribes to the 65535-byte topic "long/" at QoS 1
    And "pub" is connected
    When "pub" publishes "at the limit" to the 65535-byte topic "long/" at QoS 1
    Then "sub" receives "at the limit" on the 65535-byte topic "long/"

  @v3.1.1 @MQTT-4.7.3-2 @MQTT-1.5.3-2 @MQTT-4.8.0-1
  Scenario Outline: A topic filter containing U+0000 closes the connection (<packet>)
    Given "c" is connected
    When "c" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "c"

    Examples:
      | packet      | bytes                         |
      | SUBSCRIBE   | 82 08 00 01 00 03 74 00 61 00 |
      | UNSUBSCRIBE | a2 07 00 01 00 03 74 00 61    |
