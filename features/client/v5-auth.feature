@client @v5 @needs:enhanced-auth
Feature: Client: MQTT 5.0 enhanced authentication (AUTH)
  The client is told to connect with an Authentication Method; the scripted server challenges it
  with AUTH 0x18 (Continue authentication), section 4.12.

  @MQTT-4.12.0-3 @MQTT-3.1.2-30
  Scenario: A client answers the server's AUTH with AUTH 0x18, and sends nothing else before CONNACK
    Given the client is told to connect with Authentication Method "X-TEST"
    And the client is told to publish "after" to "t/a" at QoS 0
    When the server receives CONNECT with Authentication Method "X-TEST"
    And the server sends AUTH with reason code 0x18 and Authentication Method "X-TEST"
    Then the server receives AUTH with reason code 0x18 and Authentication Method "X-TEST" as the next packet
    When the server accepts the connection with Authentication Method "X-TEST"
    Then the server receives the PUBLISH of "after" on "t/a" at QoS 0

  # AUTH f1: fixed-header flags 0001 where 0000 is required.
  @MQTT-3.15.1-1
  Scenario: A client closes the connection on an AUTH with reserved flags set
    Given the client is told to connect with Authentication Method "X-TEST"
    When the server receives CONNECT with Authentication Method "X-TEST"
    And the server sends the bytes
      """
      f1 0b 18 09 15 00 06 58 2d 54 45 53 54
      """
    Then the client closes the connection
