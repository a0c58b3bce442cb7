Feature: MQTT 5.0 PUBLISH properties passed to subscribers: request/response, user properties, payload format, content type

  @v5 @MQTT-3.3.2-15 @MQTT-3.3.2-16
  Scenario: Response Topic and Correlation Data reach the subscriber unchanged
    Given "responder" is connected and subscribed to "rr/request" at QoS 1
    And "requester" is connected and subscribed to "rr/response" at QoS 1
    When "requester" publishes "question" to "rr/request" at QoS 1 with the properties:
      | Response Topic   | rr/response |
      | Correlation Data | id-42       |
    Then "responder" receives a PUBLISH of "question" on "rr/request" with:
      | Response Topic   | rr/response |
      | Correlation Data | id-42       |
    And "responder" publishes "answer" to "rr/response" at QoS 1 with the properties:
      | Correlation Data | id-42 |
    And "requester" receives a PUBLISH of "answer" on "rr/response" with:
      | Correlation Data | id-42 |

  @v5 @MQTT-3.3.2-17 @MQTT-3.3.2-18
  Scenario: User Properties reach the subscriber unchanged, repeated names and order kept
    Given "sub" is connected and subscribed to "up/a" at QoS 0
    And "pub" is connected
    When "pub" publishes "props" to "up/a" at QoS 0 with the properties:
      | User Property | b=2     |
      | User Property | a=1     |
      | User Property | b=3     |
      | User Property | a=1     |
      | User Property | ü=é     |
    Then "sub" receives a PUBLISH of "props" on "up/a" with:
      | User Property | b=2     |
      | User Property | a=1     |
      | User Property | b=3     |
      | User Property | a=1     |
      | User Property | ü=é     |

  @v5 @MQTT-3.3.2-4 @MQTT-3.3.2-20
  Scenario: Payload Format Indicator and Content Type reach the subscriber unchanged
    Given "sub" is connected and subscribed to "pf/a" at QoS 0
    And "pub" is connected
    When "pub" publishes "k1" to "pf/a" at QoS 0 with the properties:
      | Payload Format Indicator | 1                |
      | Content Type             | application/json |
    Then "sub" receives a PUBLISH of "k1" on "pf/a" with:
      | Payload Format Indicator | 1                |
      | Content Type             | application/json |

  @v5 @MQTT-3.3.2-4
  Scenario: Payload Format Indicator 0 is passed on as sent
    Given "sub" is connected and subscribed to "pf/b" at QoS 0
    And "pub" is connected
    When "pub" publishes "bytes" to "pf/b" at QoS 0 with the properties:
      | Payload Format Indicator | 0 |
    Then "sub" receives a PUBLISH of "bytes" on "pf/b" with:
      | Payload Format Indicator | 0 |

  @v5 @MQTT-3.3.2-1 @MQTT-1.5.4-1 @MQTT-4.13.1-1
  Scenario: A topic name with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 07 00 03 ed a0 80 00 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81

  @v5 @MQTT-3.3.2-2 @MQTT-4.7.0-1 @MQTT-4.13.1-1
  Scenario Outline: A topic name with a wildcard is refused: the server closes the connection (<bytes>)
    Given "c" is connected
    When "c" sends the bytes <bytes>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x90 or 0x82 or 0x81

    Examples:
      | bytes                            |
      | <30 07 00 03 61 2f 2b 00 78>     |
      | <30 07 00 03 61 2f 23 00 78>     |

  @v5 @MQTT-4.7.3-2 @MQTT-1.5.4-2 @MQTT-4.13.1-1
  Scenario: A topic name with U+0000 is refused: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 07 00 03 61 00 62 00 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x90 or 0x82

  @v5 @MQTT-3.3.2-13 @MQTT-4.13.1-1
  Scenario: A Response Topic with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 0d 00 03 74 2f 61 06 08 00 03 ed a0 80 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-3.3.2-19 @MQTT-4.13.1-1
  Scenario: A Content Type with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 0d 00 03 74 2f 61 06 03 00 03 ed a0 80 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  @v5 @MQTT-1.5.7-1 @MQTT-4.13.1-1
  Scenario: A User Property name with an encoded surrogate is malformed: the server closes the connection
    Given "c" is connected
    When "c" sends the bytes <30 10 00 03 74 2f 61 09 26 00 03 ed a0 80 00 01 76 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x81 or 0x82

  # @optional: MQTT-4.13.1-1 binds a server that detects the error; section 4.13.1 lets it choose
  # how rigorously it checks, and no statement makes this check a server MUST. Informational.
  @v5 @optional @MQTT-3.3.4-6 @MQTT-4.13.1-1
  Scenario: A PUBLISH from a client with a Subscription Identifier is a Protocol Error
    Given "c" is connected
    When "c" sends the bytes <30 09 00 03 74 2f 61 02 0b 01 78>
    Then the server closes the connection of "c", optionally after DISCONNECT 0x82 or 0x81
