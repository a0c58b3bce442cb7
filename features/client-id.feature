Feature: Client identifiers: accepted ids, assigned ids, refusal, take-over
  The client identifier names the session (MQTT 3.1.1 section 3.1.3.1). A server must accept
  1 to 23 letters and digits; it may accept more, and it may assign an id to a client that sends
  none; whatever it refuses, it refuses with CONNACK 0x02. A second connection with the same id
  takes the session over from the first.

  @v3.1.1 @MQTT-3.1.3-5 @MQTT-3.1.4-4
  Scenario Outline: A client identifier of <length> letters and digits is accepted
    When "c" connects with a <length>-character client identifier
    Then the server accepts the connection of "c"

    Examples:
      | length |
      | 1      |
      | 23     |

  @v3.1.1 @MQTT-3.1.3-8 @MQTT-3.1.3-9 @MQTT-3.2.2-4 @MQTT-3.2.2-5
  Scenario: A zero-length client identifier with CleanSession 0 is refused with 0x02 (3.1.1)
    When "c" connects with an empty client identifier and CleanSession 0
    Then the server refuses the connection of "c" with return code 0x02

  # MQTT 3.1 has no MQTT-3.1.3-8: its client identifier is "between 1 and 23 characters", a rule
  # for the client, and the only server duty it states is 0x02 for an id over 23 characters. So a
  # 3.1 server may accept an empty id; if it refuses one, it refuses with 0x02 and closes.
  @v3.1 @MQTT-3.1.3-9 @MQTT-3.2.2-5
  Scenario: A zero-length client identifier with CleanSession 0 is accepted, or refused with 0x02 and a close (3.1)
    When "c" connects with an empty client identifier and CleanSession 0
    Then the server either accepts the connection of "c" or refuses it with return code 0x02

  @v3.1.1 @MQTT-3.1.3-6 @MQTT-3.1.3-9
  Scenario: A zero-length client identifier with CleanSession 1 gets a unique assigned id, or is refused with 0x02
    When "a" connects with an empty client identifier and CleanSession 1
    And "b" connects with an empty client identifier and CleanSession 1
    Then the server either accepts "a" and "b" as distinct clients or refuses each with return code 0x02

  @v3.1.1 @MQTT-3.1.3-9
  Scenario: A client identifier longer than 23 characters is accepted, or refused with 0x02 and a close
    When "c" connects with a 100-character client identifier
    Then the server either accepts the connection of "c" or refuses it with return code 0x02

  Scenario Outline: A second connection with the same client identifier takes over: the first is closed (<version>)
    Given "first" is connected
    When "second" connects with the client identifier of "first"
    Then the server accepts the connection of "second"
    And the server closes the connection of "first"
    And "second" remains connected

    @v3.1.1 @MQTT-3.1.4-2
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1 @MQTT-3.1.4-2
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.1.4-2 @MQTT-3.1.3-2 @MQTT-3.2.2-2
  Scenario: The session taken over continues on the new connection
    Given "first" is connected with CleanSession 0 and subscribed to "t/a" at QoS 1
    And "pub" is connected
    When "second" connects with the client identifier of "first" and CleanSession 0
    Then the server accepts the connection of "second" with Session Present 1
    And the server closes the connection of "first"
    When "pub" publishes "after take-over" to "t/a" at QoS 1
    Then "second" receives a PUBLISH on "t/a" with QoS 1 and payload "after take-over"
