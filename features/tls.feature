@needs:tls
Feature: MQTT over TLS (MQTT 3.1.1 section 5.4.9)
  Over an mqtts:// or wss:// target the handshake succeeds with the profile's TLS material and
  MQTT works unchanged on top of it.

  @v3.1.1 @MQTT-3.1.4-4
  Scenario: A client connects over TLS
    When "c" connects
    Then the server accepts the connection of "c"

  @v3.1.1 @MQTT-4.3.2-2 @needs:qos1
  Scenario: A QoS 1 message travels over TLS
    Given "sub" is connected and subscribed to "t/tls" at QoS 1
    And "pub" is connected
    When "pub" publishes "over tls" to "t/tls" at QoS 1
    Then "sub" receives "over tls" on "t/tls" at QoS 1

  @v3.1.1 @optional
  Scenario: The server negotiates TLS 1.2 or later
    Then the server negotiates TLS 1.2 or later
