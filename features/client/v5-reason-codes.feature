@client
Feature: Client: reason codes from the server
  MQTT 5.0 acknowledgements and CONNACK carry reason codes; 3.1.1 SUBACK has the failure code 0x80.

  # 5.0 section 4.4: a PUBACK or PUBREC with a reason code of 0x80 or more acknowledges the message.
  # "kept" is still unacknowledged, so the client re-sends it, in order (MQTT-4.6.0-1): a re-sent
  # "refused" would come first, so the re-sent "kept" is the barrier.
  @v5 @needs:session @MQTT-4.4.0-2
  Scenario Outline: A QoS <qos> PUBLISH refused with reason code 0x80 is not re-sent on reconnection
    Given the client is told to connect with a persistent session
    And the client is told to publish "refused" to "t/a" at QoS <qos>
    And the client is told to publish "kept" to "t/a" at QoS <qos>
    When the server accepts the connection
    And the server receives the PUBLISH of "refused" on "t/a" at QoS <qos>
    And the server acknowledges it with reason code 0x80
    And the server receives the PUBLISH of "kept" on "t/a" at QoS <qos>
    And the server drops the connection
    And the client reconnects and the server resumes its session
    Then the server receives no PUBLISH of "refused" before the PUBLISH of "kept"

    Examples:
      | qos |
      | 1 |
      | 2 |

  # 5.0 section 3.2.2.1.1: with Clean Start 1 the client holds no session state (MQTT-3.1.2-4).
  @v5 @MQTT-3.2.2-4
  Scenario: A client that started clean and receives Session Present 1 closes the connection
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 0
    When the server accepts the connection with Session Present 1
    Then the client closes the connection

  # A refused subscription is no protocol error: what the client does next is its own choice.
  @optional
  Scenario Outline: A client whose subscription is refused (SUBACK <code>) stays connected and acknowledges a PUBLISH (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 1
    When the server accepts the connection
    And the server refuses the subscription with reason code <code>
    And the server sends PUBLISH "m1" on "t/a" at QoS 1 with packet identifier 5
    Then the server receives PUBACK for packet identifier 5

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | code |
      | 3.1.1 | 0x80 |

    @v5
    Examples: MQTT 5.0
      | version | code |
      | 5.0 | 0x87 |
