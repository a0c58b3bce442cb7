Feature: Will messages
  A client may leave a will with its CONNECT. The server publishes it when the connection ends
  without a DISCONNECT (network close, protocol violation, Keep Alive expiry) and discards it on
  DISCONNECT; Will QoS and Will Retain are honoured (MQTT 3.1.1 section 3.1.2.5 to 3.1.2.7).

  @MQTT-3.1.2-8
  Scenario Outline: The will is published at QoS <qos> when the client closes the connection without DISCONNECT (<version>)
    Given "sub" is connected and subscribed to "will/w" at QoS 2
    And "w" is connected with the will "gone" on "will/w" at QoS <qos>
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives a PUBLISH on "will/w" with QoS <qos> and payload "gone"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1   | 0   |
      | 3.1.1   | 1   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1   | 2   |

    @v3.1
    Examples: MQTT 3.1
      | version | qos |
      | 3.1     | 1   |

  @v3.1.1 @MQTT-3.1.2-8
  Scenario: The will is published when the network connection fails (TCP reset)
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "lost" on "will/w" at QoS 1
    When the network connection of "w" is reset
    Then "sub" receives a PUBLISH on "will/w" with QoS 1 and payload "lost"

  @v3.1.1 @MQTT-3.1.2-8
  Scenario Outline: The will is published when the server closes the connection for a protocol violation (<violation>)
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "violated" on "will/w" at QoS 1
    When "w" sends the bytes
      """
      <bytes>
      """
    Then the server closes the connection of "w"
    And "sub" receives a PUBLISH on "will/w" with QoS 1 and payload "violated"

    @MQTT-3.3.1-4
    Examples: a PUBLISH with QoS 3
      | violation       | bytes                         |
      | PUBLISH QoS 3   | 36 08 00 03 74 2f 61 00 01 78 |

    @MQTT-3.14.1-1
    Examples: a DISCONNECT with reserved flags set (not a DISCONNECT that deletes the will)
      | violation                | bytes |
      | DISCONNECT flags 0001    | e1 00 |

    @MQTT-3.1.0-2
    Examples: a second CONNECT
      | violation      | bytes                                                                  |
      | second CONNECT | 10 13 00 04 4d 51 54 54 04 02 00 3c 00 07 73 65 63 6f 6e 64 32         |

  # The old connection ends without a DISCONNECT: MQTT-3.1.2-8 leaves no exception for a take-over.
  @v3.1.1 @MQTT-3.1.2-8 @MQTT-3.1.4-2
  Scenario: The will is published when a take-over closes the connection
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "taken over" on "will/w" at QoS 1
    When "w2" connects with the client identifier of "w"
    Then the server accepts the connection of "w2"
    And the server closes the connection of "w"
    And "sub" receives a PUBLISH on "will/w" with QoS 1 and payload "taken over"

  @v3.1.1 @MQTT-3.1.2-8 @MQTT-3.1.2-24
  Scenario: The will is published when the Keep Alive expires
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with:
      | Keep Alive   | 1       |
      | will topic   | will/w  |
      | will message | expired |
      | will QoS     | 1       |
    Then "sub" receives "expired" on "will/w" within 8.5 seconds

  @MQTT-3.1.2-10 @MQTT-3.14.4-3
  Scenario Outline: No will is published after DISCONNECT (<version>)
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "must not appear" on "will/w" at QoS 1
    When "w" disconnects
    Then "sub" receives no PUBLISH on "will/w"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.1.2-12
  Scenario: A client without a will has nothing published on its behalf when its connection ends
    Given "sub" is connected and subscribed to "#" at QoS 1
    And "c" is connected
    When "c" closes the network connection without sending DISCONNECT
    Then "sub" receives no PUBLISH at all

  @v3.1.1 @MQTT-3.1.2-10 @MQTT-3.1.2-8
  Scenario: A will is published once: a fresh connection with the same client identifier brings no second copy
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "once" on "will/w" at QoS 1
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives a PUBLISH on "will/w" with QoS 1 and payload "once"
    When "w" is connected
    And "w" disconnects
    Then "sub" does not receive "once" on "will/w"

  @v3.1.1 @MQTT-3.1.2-16 @needs:retain
  Scenario: A will with Will Retain 0 is not retained
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the will "not kept" on "will/w" at QoS 1
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives a PUBLISH on "will/w" with payload "not kept"
    When "late" is connected and subscribed to "will/w" at QoS 1
    Then "late" receives no PUBLISH on "will/w"

  @v3.1.1 @MQTT-3.1.2-17 @MQTT-3.3.1-9 @needs:retain
  Scenario: A will with Will Retain 1 is retained, and delivered live with RETAIN 0
    Given "sub" is connected and subscribed to "will/w" at QoS 1
    And "w" is connected with the retained will "kept" on "will/w" at QoS 1
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives a PUBLISH on "will/w" with RETAIN 0 and payload "kept"
    When "late" is connected and subscribed to "will/w" at QoS 1
    Then "late" receives a PUBLISH on "will/w" with RETAIN 1 and payload "kept"
