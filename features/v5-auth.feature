Feature: MQTT 5.0 authentication: user name and password, enhanced authentication with AUTH (SCRAM-SHA-256)
  Enhanced authentication scenarios need a broker declaring `authMethods: ["SCRAM-SHA-256"]` in its
  profile, with the SCRAM credential of `capabilities.auth.valid` (`@needs:enhanced-auth`).

  @v5 @MQTT-3.1.4-2 @MQTT-3.2.2-6 @MQTT-3.2.2-7 @MQTT-4.13.2-1 @needs:auth
  Scenario: A wrong password is refused: the close, optionally after CONNACK 0x86 or 0x87
    When "c" connects with a wrong password
    Then the server refuses the connection of "c", optionally with CONNACK 0x86 or 0x87 or 0x80

  @v5 @MQTT-3.1.4-5 @needs:auth
  Scenario: Valid credentials are accepted with CONNACK 0x00
    When "c" connects with the valid credentials
    Then "c" receives CONNACK 0x00 with Session Present 0

  @v5 @MQTT-4.12.0-2 @MQTT-4.12.0-5 @MQTT-3.15.2-1 @MQTT-3.15.2-2 @MQTT-3.15.2-3 @needs:enhanced-auth
  Scenario: SCRAM-SHA-256: the server challenges with AUTH 0x18 and accepts with CONNACK 0x00, each naming the method
    When "c" connects with SCRAM-SHA-256, the valid credentials and the properties:
      | Maximum Packet Size | 512 |
    And "c" answers the server's SCRAM challenge with the right proof
    Then "c" receives CONNACK 0x00 proving the server knows the SCRAM credential
    And no packet the server sent to "c" is larger than 512 bytes
    And "c" remains connected

  @v5 @MQTT-4.12.0-4 @MQTT-3.14.0-1 @needs:enhanced-auth
  Scenario: SCRAM-SHA-256 with a wrong proof is refused: the close, optionally after a CONNACK of 0x80 or above
    When "c" connects with SCRAM-SHA-256, the valid credentials and the properties:
      | Keep Alive | 60 |
    And "c" answers the server's SCRAM challenge with the wrong proof
    Then the server refuses the connection of "c", optionally with CONNACK any

  @v5 @MQTT-4.12.0-5 @MQTT-3.15.2-1 @needs:enhanced-auth
  Scenario: Re-authentication with AUTH 0x19 ends in AUTH 0x00 with the same method
    Given "c" connects with SCRAM-SHA-256, the valid credentials and the properties:
      | Keep Alive | 60 |
    And "c" answers the server's SCRAM challenge with the right proof
    And "c" receives CONNACK 0x00 proving the server knows the SCRAM credential
    When "c" starts re-authentication with Authentication Method "SCRAM-SHA-256"
    And "c" answers the server's SCRAM challenge with the right proof
    Then "c" receives AUTH 0x00 proving the server knows the SCRAM credential
    And "c" remains connected

  @v5 @MQTT-4.12.1-1 @MQTT-4.13.1-1 @needs:enhanced-auth
  Scenario: Re-authentication with another Authentication Method is a Protocol Error
    Given "c" connects with SCRAM-SHA-256, the valid credentials and the properties:
      | Keep Alive | 60 |
    And "c" answers the server's SCRAM challenge with the right proof
    And "c" receives CONNACK 0x00 proving the server knows the SCRAM credential
    When "c" starts re-authentication with Authentication Method "SCRAM-SHA-512"
    Then the server closes the connection of "c", optionally after DISCONNECT 0x82 or 0x8C

  @v5 @MQTT-4.12.1-2 @needs:enhanced-auth
  Scenario: A failed re-authentication closes the connection, optionally after a DISCONNECT of 0x80 or above
    Given "c" connects with SCRAM-SHA-256, the valid credentials and the properties:
      | Keep Alive | 60 |
    And "c" answers the server's SCRAM challenge with the right proof
    And "c" receives CONNACK 0x00 proving the server knows the SCRAM credential
    When "c" starts re-authentication with Authentication Method "SCRAM-SHA-256"
    And "c" answers the server's SCRAM challenge with the wrong proof
    Then the server closes the connection of "c", optionally after DISCONNECT any
