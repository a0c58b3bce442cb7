@client
Feature: Client: QoS 1 and 2 flows as the receiver

  Scenario Outline: A QoS 1 PUBLISH is answered with PUBACK, acknowledgements in the order of arrival (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 1
    When the server accepts the connection
    And the server grants the subscription
    And the server sends PUBLISH "m1" on "t/a" at QoS 1 with packet identifier 7
    And the server sends PUBLISH "m2" on "t/a" at QoS 1 with packet identifier 3
    And the server sends PUBLISH "m3" on "t/a" at QoS 1 with packet identifier 12
    Then the server receives PUBACK for packet identifiers 7, 3 and 12 in that order

    @v3.1.1 @MQTT-3.3.4-1 @MQTT-4.3.2-2 @MQTT-2.3.1-6 @MQTT-4.6.0-2 @MQTT-4.5.0-2
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-3.3.4-1 @MQTT-4.3.2-4 @MQTT-2.2.1-5 @MQTT-4.6.0-2 @MQTT-4.5.0-2
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  Scenario Outline: A QoS 2 PUBLISH is answered with PUBREC, PUBREL with PUBCOMP, PUBRECs in the order of arrival (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 2
    When the server accepts the connection
    And the server grants the subscription
    And the server sends PUBLISH "m1" on "t/a" at QoS 2 with packet identifier 9
    And the server sends PUBLISH "m2" on "t/a" at QoS 2 with packet identifier 4
    And the server sends PUBLISH "m3" on "t/a" at QoS 2 with packet identifier 20
    Then the server receives PUBREC for packet identifiers 9, 4 and 20 in that order
    When the server sends PUBREL for packet identifier 9
    Then the server receives PUBCOMP for packet identifier 9

    @v3.1.1 @MQTT-3.3.4-1 @MQTT-4.3.3-2 @MQTT-2.3.1-6 @MQTT-4.6.0-3
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-3.3.4-1 @MQTT-4.3.3-8 @MQTT-4.3.3-11 @MQTT-2.2.1-5 @MQTT-4.6.0-3
    Examples: MQTT 5.0
      | version |
      | 5.0 |
