@client
Feature: Client: Keep Alive
  The Mosquitto clients accept no Keep Alive below 5 seconds, so every client is told 5.

  Scenario Outline: A client with nothing to send sends PINGREQ within the Keep Alive (MQTT <version>)
    Given the client is told to connect with Keep Alive 5
    And the client is told to subscribe to "t/a" at QoS 0
    When the server accepts the connection
    And the server grants the subscription
    Then the server receives PINGREQ within the Keep Alive

    @v3.1.1 @MQTT-3.1.2-23
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-3.1.2-20
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  # Sections 3.1.2.10 (3.1.1) and 3.12.4 (5.0): a client SHOULD close the connection when no
  # PINGRESP comes "within a reasonable amount of time" (no statement ID).
  @optional
  Scenario Outline: A client whose PINGREQ gets no PINGRESP closes the connection (MQTT <version>)
    Given the client is told to connect with Keep Alive 5
    And the client is told to subscribe to "t/a" at QoS 0
    When the server accepts the connection
    And the server grants the subscription
    Then the server receives PINGREQ within the Keep Alive
    And the client closes the connection within 2.5 times the Keep Alive

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5
    Examples: MQTT 5.0
      | version |
      | 5.0 |
