@needs:auth
Feature: Authentication (MQTT 3.1.1 sections 3.1.2.8, 3.1.2.9, 3.1.4, 3.2.2.3)
  A broker that checks credentials (the target profile declares them in capabilities.auth) accepts
  valid ones with return code 0, refuses others with a non-zero return code and Session Present 0,
  then closes the connection, and acts on nothing sent after a refused CONNECT.

  @v3.1.1 @MQTT-3.1.4-4
  Scenario: Valid credentials are accepted
    When "c" connects with the valid credentials
    Then the server accepts the connection of "c"

  @v3.1.1 @MQTT-3.2.2-4 @MQTT-3.2.2-5
  Scenario: A wrong password is refused and the connection closed
    When "c" connects with a wrong password
    Then the server refuses the connection of "c" as not authenticated

  @v3.1.1 @MQTT-3.2.2-4 @MQTT-3.2.2-5
  Scenario: An unknown user name is refused and the connection closed
    When "c" connects with an unknown user name
    Then the server refuses the connection of "c" as not authenticated

  @v3.1.1 @MQTT-3.1.4-4 @MQTT-3.2.2-4 @MQTT-3.2.2-5
  Scenario: A client without a user name is accepted or refused as the profile declares
    When "c" connects without a user name
    Then the server answers "c" as the profile declares for anonymous clients

  @v3.1.1 @MQTT-3.1.4-5 @needs:retain
  Scenario: Nothing sent after a CONNECT refused for its credentials is acted upon
    When "c" connects with a wrong password followed by a retained PUBLISH of "must not be stored" to "t/auth-refused"
    Then the server refuses the connection of "c" as not authenticated
    When "late" is connected with the valid credentials
    And "late" subscribes to "t/auth-refused" at QoS 0
    Then "late" receives no PUBLISH on "t/auth-refused"

  @v3.1.1 @optional
  Scenario: A wrong password gets return code 0x04 (bad user name or password)
    When "c" connects with a wrong password
    Then the server refuses the connection of "c" with return code 0x04
