@client
Feature: Client: topic names

  @needs:several-topics
  Scenario Outline: A client does not publish to a topic name with the wildcard <wildcard> (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "bad" to "t/<wildcard>" at QoS 0
    And the client is told to publish "good" to "t/ok" at QoS 0
    When the server accepts the connection
    Then the server receives no PUBLISH on a topic with a wildcard before the PUBLISH of "good"

    @v3.1.1 @MQTT-3.3.2-2 @MQTT-4.7.1-1
    Examples: MQTT 3.1.1
      | version | wildcard |
      | 3.1.1 | + |
      | 3.1.1 | # |

    @v5 @MQTT-3.3.2-2 @MQTT-4.7.0-1
    Examples: MQTT 5.0
      | version | wildcard |
      | 5.0 | + |
      | 5.0 | # |
