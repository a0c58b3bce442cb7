@needs:websocket
Feature: MQTT over WebSocket (MQTT 3.1.1 section 6)
  Over a ws:// or wss:// target, the server selects the "mqtt" subprotocol, reads packets
  whatever the frame boundaries, and closes a connection that sends a non-binary data frame.

  @v3.1.1 @MQTT-6.0.0-4
  Scenario: The server selects the "mqtt" subprotocol
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    Then the server selects the WebSocket subprotocol "mqtt" for "c"

  @v3.1.1 @MQTT-6.0.0-2
  Scenario: Packets are read independently of WebSocket frame boundaries
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    And "c" sends its CONNECT split over 3 binary frames
    And "c" sends PINGREQ twice in one binary frame
    Then "c" receives over WebSocket "CONNACK, PINGRESP, PINGRESP"

  @v3.1.1 @MQTT-6.0.0-1
  Scenario: A text frame closes the connection
    When "c" opens a WebSocket connection offering the subprotocol "mqtt"
    And "c" sends its CONNECT split over 1 binary frames
    Then "c" receives over WebSocket "CONNACK"
    When "c" sends a complete PUBLISH in a text frame
    Then the server closes the WebSocket connection of "c"
