@needs:websocket
Feature: MQTT 5.0 over WebSocket (MQTT 5.0 section 6)

  @v5 @MQTT-6.0.0-4
  Scenario: The server selects the "mqtt" subprotocol for an MQTT 5 client
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    Then the server selects the WebSocket subprotocol "mqtt" for "c"

  @v5 @MQTT-6.0.0-2
  Scenario: MQTT 5 packets are read independently of WebSocket frame boundaries
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    And "c" sends its CONNECT split over 3 binary frames
    And "c" sends PINGREQ twice in one binary frame
    Then "c" receives over WebSocket "CONNACK, PINGRESP, PINGRESP"

  @v5 @MQTT-6.0.0-1
  Scenario: A text frame closes an MQTT 5 connection
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    And "c" sends its CONNECT split over 1 binary frames
    Then "c" receives over WebSocket "CONNACK"
    When "c" sends a complete PUBLISH in a text frame
    Then the server closes the WebSocket connection of "c"
