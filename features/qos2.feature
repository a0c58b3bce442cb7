Feature: PUBLISH at QoS 2
  Exactly once delivery (MQTT 3.1.1 sections 3.3, 3.5 to 3.7 and 4.3.3): the server answers a
  QoS 2 PUBLISH with PUBREC, a repeat of it before PUBREL with PUBREC again without delivering it
  twice, and PUBREL with PUBCOMP, each carrying the packet identifier. As sender it delivers with
  QoS 2 and DUP 0, answers PUBREC with a PUBREL of the same identifier and never re-sends the
  PUBLISH once it has sent PUBREL. Whether the server passes the message on when it receives the
  PUBLISH or when it receives the PUBREL is its choice (section 4.3.3, methods A and B): the
  scenarios accept both.

  @MQTT-3.3.4-1 @MQTT-2.3.1-6 @MQTT-4.3.3-2
  Scenario Outline: A QoS 2 PUBLISH is answered with PUBREC, and the PUBREL with PUBCOMP, each carrying packet identifier <id> (<version>)
    Given "pub" is connected
    When "pub" sends a PUBLISH of "m" to "t/q2" at QoS 2 with packet identifier <id>
    Then "pub" receives only PUBREC with packet identifier <id>
    When "pub" sends PUBREL with packet identifier <id>
    Then "pub" receives only PUBCOMP with packet identifier <id>

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | id    |
      | 3.1.1   | 1     |
      | 3.1.1   | 65535 |

    @v3.1
    Examples: MQTT 3.1
      | version | id    |
      | 3.1     | 4660  |

  @MQTT-4.3.3-2 @MQTT-3.3.1-3 @needs:qos2
  Scenario Outline: A QoS 2 PUBLISH re-sent with DUP before PUBREL is acknowledged again but delivered once (<version>)
    Given "sub" is connected and subscribed to "t/once" at QoS 2
    And "pub" is connected
    When "pub" sends a PUBLISH of "exactly once" to "t/once" at QoS 2 with packet identifier 77
    Then "pub" receives PUBREC with packet identifier 77
    When "pub" sends a PUBLISH of "exactly once" to "t/once" at QoS 2 with packet identifier 77 and DUP set
    Then "pub" receives PUBREC with packet identifier 77
    When "pub" sends PUBREL with packet identifier 77
    Then "pub" receives PUBCOMP with packet identifier 77
    And "sub" receives "exactly once" on "t/once" exactly once

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-4.3.3-2 @needs:qos2
  Scenario Outline: After PUBCOMP, a PUBLISH reusing the packet identifier is a new message (<version>)
    Given "sub" is connected and subscribed to "t/reuse" at QoS 2
    And "pub" is connected
    When "pub" sends a PUBLISH of "first" to "t/reuse" at QoS 2 with packet identifier 8
    And "pub" completes the QoS 2 flow of packet identifier 8
    Then "sub" receives "first" on "t/reuse"
    When "pub" sends a PUBLISH of "second" to "t/reuse" at QoS 2 with packet identifier 8
    And "pub" completes the QoS 2 flow of packet identifier 8
    Then "sub" receives "second" on "t/reuse"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-4.3.3-2 @MQTT-4.5.0-1 @needs:qos2
  Scenario: Two publishers using the same packet identifier at the same time each get their message through
    Given "sub" is connected and subscribed to "t/same-id" at QoS 2
    And "a" is connected
    And "b" is connected
    When "a" sends a PUBLISH of "from a" to "t/same-id" at QoS 2 with packet identifier 5
    And "b" sends a PUBLISH of "from b" to "t/same-id" at QoS 2 with packet identifier 5
    Then "a" receives PUBREC with packet identifier 5
    And "b" receives PUBREC with packet identifier 5
    When "a" sends PUBREL with packet identifier 5
    And "b" sends PUBREL with packet identifier 5
    Then "a" receives PUBCOMP with packet identifier 5
    And "b" receives PUBCOMP with packet identifier 5
    And "sub" receives the messages "from a, from b" on "t/same-id" in any order

  @v3.1.1 @MQTT-4.3.3-2
  Scenario: A PUBREL for a packet identifier with no message is still answered with PUBCOMP
    Given "pub" is connected
    When "pub" sends PUBREL with packet identifier 4242
    Then "pub" receives only PUBCOMP with packet identifier 4242

  @v3.1.1 @MQTT-3.6.1-1 @MQTT-4.8.0-1 @needs:qos2
  Scenario: A PUBREL without the reserved flags 0010, in the middle of a QoS 2 flow, closes the connection
    Given "pub" is connected
    When "pub" sends a PUBLISH of "m" to "t/q2" at QoS 2 with packet identifier 5
    Then "pub" receives PUBREC with packet identifier 5
    When "pub" sends the bytes
      """
      60 02 00 05   # PUBREL, flags 0000, packet identifier 5
      """
    Then the server closes the connection of "pub"

  @MQTT-4.3.3-1 @MQTT-2.3.1-1 @MQTT-2.3.1-6 @MQTT-3.3.4-1 @needs:qos2
  Scenario Outline: The server delivers QoS 2 with DUP 0, answers PUBREC with PUBREL, and sends the message once (<version>)
    Given "sub" is connected and subscribed to "t/q2" at QoS 2
    And "pub" is connected
    When "pub" publishes "exactly once" to "t/q2" at QoS 2
    Then "sub" receives a PUBLISH on "t/q2" with QoS 2 and DUP 0 and payload "exactly once" without acknowledging it
    When "sub" sends PUBREC for the PUBLISH
    Then "sub" receives PUBREL for the PUBLISH
    When "sub" sends PUBCOMP for the PUBLISH
    Then "sub" does not receive "exactly once" on "t/q2"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-4.3.3-1 @MQTT-4.4.0-1 @needs:qos2
  Scenario Outline: Once it has sent PUBREL, the server re-sends the PUBREL, never the PUBLISH, when the session resumes (<version>)
    Given "sub" is connected with CleanSession 0 and subscribed to "t/released" at QoS 2
    And "pub" is connected
    When "pub" publishes "released" to "t/released" at QoS 2
    Then "sub" receives a PUBLISH on "t/released" with QoS 2 and payload "released" without acknowledging it
    When "sub" sends PUBREC for the PUBLISH
    Then "sub" receives PUBREL for the PUBLISH
    When "sub" drops the network connection
    And "sub" reconnects with CleanSession 0
    Then the server accepts the connection of "sub"
    And "sub" receives PUBREL for the PUBLISH
    When "sub" sends PUBCOMP for the PUBLISH
    Then "sub" does not receive "released" on "t/released"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |
