Feature: Topic identity: topic names and filters are compared byte for byte
  When it matches subscriptions the server must not normalise topic names or filters, nor alter
  or substitute characters (MQTT 3.1.1 and 5.0 section 4.7.3): two topics that differ in any
  byte are two topics, however alike they look. Case, Unicode normalisation forms (NFC and NFD,
  compatibility forms), separator look-alikes, leading, trailing, doubled or dot levels: each
  variant below is a distinct topic, and a message reaches a subscriber under the very topic
  name it was published with. Characters are written as \uXXXX escapes.

  Absence is proven by barriers: each subscriber subscribes to one variant only; the publisher
  sends to the second variant, then to the first, then a marker to each. A server that took the
  two for one topic would deliver the other variant's message before the marker (one publisher's
  order on one topic), so each subscriber must see exactly its own message, then its marker.

  Scenario Outline: Topics differing only in <difference> are distinct topics (<version>)
    Given "one" is connected
    And "one" subscribes to the escaped topic "<a>" at QoS 1
    And "two" is connected
    And "two" subscribes to the escaped topic "<b>" at QoS 1
    And "pub" is connected
    When "pub" publishes "to b" to the escaped topic "<b>" at QoS 1
    And "pub" publishes "to a" to the escaped topic "<a>" at QoS 1
    And "pub" publishes "end of b" to the escaped topic "<b>" at QoS 1
    And "pub" publishes "end of a" to the escaped topic "<a>" at QoS 1
    Then "one" receives exactly the messages "to a, end of a" on the escaped topic "<a>"
    And "two" receives exactly the messages "to b, end of b" on the escaped topic "<b>"

    @v3.1.1 @MQTT-4.7.3-4 @MQTT-3.3.2-3
    Examples: MQTT 3.1.1
      | version | difference | a | b |
      | 3.1.1 | upper and lower case | i/Case | i/case |
      | 3.1.1 | upper and lower case outside ASCII | i/\u00c9 | i/\u00e9 |
      | 3.1.1 | Unicode normalisation form (NFC and NFD) | i/caf\u00e9 | i/cafe\u0301 |
      | 3.1.1 | compatibility normalisation (a ligature) | i/\ufb01 | i/fi |
      | 3.1.1 | a full-width solidus for the separator | i/a\uff0fb | i/a/b |
      | 3.1.1 | a backslash for the separator | i/a\u005cb | i/a/b |
      | 3.1.1 | a leading separator | /{ns}/i/a | {ns}/i/a |
      | 3.1.1 | a trailing separator | i/a/ | i/a |
      | 3.1.1 | a doubled separator | i//a | i/a |
      | 3.1.1 | a dot level | i/./a | i/a |
      | 3.1.1 | a trailing space | i/a\u0020 | i/a |

    @v5 @MQTT-4.7.3-4 @MQTT-3.3.2-3
    Examples: MQTT 5.0
      | version | difference | a | b |
      | 5.0 | upper and lower case | i/Case | i/case |
      | 5.0 | upper and lower case outside ASCII | i/\u00c9 | i/\u00e9 |
      | 5.0 | Unicode normalisation form (NFC and NFD) | i/caf\u00e9 | i/cafe\u0301 |
      | 5.0 | compatibility normalisation (a ligature) | i/\ufb01 | i/fi |
      | 5.0 | a full-width solidus for the separator | i/a\uff0fb | i/a/b |
      | 5.0 | a backslash for the separator | i/a\u005cb | i/a/b |
      | 5.0 | a leading separator | /{ns}/i/a | {ns}/i/a |
      | 5.0 | a trailing separator | i/a/ | i/a |
      | 5.0 | a doubled separator | i//a | i/a |
      | 5.0 | a dot level | i/./a | i/a |
      | 5.0 | a trailing space | i/a\u0020 | i/a |
