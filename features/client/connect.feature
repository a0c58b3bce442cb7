@client
Feature: Client: CONNECT
  The client under test connects to the scripted server, which answers only what a step says.

  Scenario Outline: The first packet a client sends is CONNECT, and it sends CONNECT once (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "first" to "t/a" at QoS 0
    When the server accepts the connection
    Then the server receives the PUBLISH of "first" on "t/a" at QoS 0
    And it has DUP 0 and a non-zero packet identifier

    @v3.1.1 @MQTT-3.1.0-1 @MQTT-3.3.1-2 @MQTT-4.3.1-1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-3.1.0-1 @MQTT-3.3.1-2 @MQTT-4.3.1-1
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  # The server that refuses must close (MQTT-3.2.2-7, MQTT-4.13.2-1 bind the sender); a client
  # closing first is allowed, not required.
  @v5 @optional
  Scenario: A client whose connection is refused (CONNACK reason code 0x87) closes the network connection
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "first" to "t/a" at QoS 0
    When the server refuses the connection with reason code 0x87
    Then the client closes the connection without sending another packet

  # The sender of DISCONNECT closes the connection (MQTT-3.14.4-2); the receiver may close first.
  @v5 @optional
  Scenario: A client that receives DISCONNECT with reason code 0x8B (Server shutting down) closes the connection
    Given the client is told to connect with Keep Alive 60
    And the client is told to subscribe to "t/a" at QoS 0
    When the server accepts the connection
    And the server grants the subscription
    And the server sends DISCONNECT with reason code 0x8B
    Then the client closes the connection without sending another packet
