Feature: PUBLISH at QoS 0
  At most once delivery (MQTT 3.1.1 sections 3.3 and 4.3.1): the receiver of a QoS 0 PUBLISH
  sends nothing back; the server forwards it to every matching subscription with QoS 0, DUP 0 and
  no packet identifier, whatever QoS the subscription was granted.

  @MQTT-3.3.4-1
  Scenario Outline: The server sends nothing in answer to a QoS 0 PUBLISH (<version>)
    Given "pub" is connected
    When "pub" sends a PUBLISH of "fire and forget" to "t/q0" at QoS 0
    Then "pub" receives no answer before the PINGRESP to its next PINGREQ

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-4.3.1-1 @MQTT-3.3.1-2 @MQTT-2.3.1-5 @MQTT-3.8.4-6 @MQTT-4.5.0-1
  Scenario Outline: A QoS 0 message reaches a subscription granted QoS <sub> with QoS 0, DUP 0 and no packet identifier (<version>)
    Given "sub" is connected and subscribed to "t/q0" at QoS <sub>
    And "pub" is connected
    When "pub" publishes "at most once" to "t/q0" at QoS 0
    Then "sub" receives a PUBLISH on "t/q0" with QoS 0 and DUP 0 and payload "at most once"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | sub |
      | 3.1.1   | 0   |
      | 3.1.1   | 1   |
      | 3.1.1   | 2   |

    @v3.1
    Examples: MQTT 3.1
      | version | sub |
      | 3.1     | 0   |
      | 3.1     | 2   |

  @MQTT-4.5.0-1 @MQTT-3.3.2-3
  Scenario Outline: A message reaches every client whose subscription matches, the publisher included (<version>)
    Given "a" is connected and subscribed to "t/fan" at QoS 0
    And "b" is connected and subscribed to "t/fan" at QoS 0
    And "pub" is connected and subscribed to "t/fan" at QoS 0
    And "other" is connected and subscribed to "t/other" at QoS 0
    When "pub" publishes "to all" to "t/fan" at QoS 0
    Then "a" receives "to all" on "t/fan"
    And "b" receives "to all" on "t/fan"
    And "pub" receives "to all" on "t/fan"
    And "other" receives no PUBLISH on "t/fan"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-4.5.0-1 @MQTT-2.3.1-5
  Scenario Outline: The payload is forwarded byte for byte (<case>)
    Given "sub" is connected and subscribed to "t/bytes" at QoS <qos>
    And "pub" is connected
    When "pub" publishes the bytes <bytes> to "t/bytes" at QoS <qos>
    Then "sub" receives the bytes <bytes> on "t/bytes"

    Examples:
      | case                                 | qos | bytes                      |
      | NUL and high bytes, QoS 0            | 0   | <00 ff 00 80 0d 0a 00>     |
      | ill-formed UTF-8 is not checked      | 1   | <c0 af ed a0 80 ff fe>     |

    @needs:qos2
    Examples: published at QoS 2
      | case                                 | qos | bytes                      |
      | NUL and high bytes, QoS 2            | 2   | <00 00 00 01 ff>           |

  @v3.1.1 @MQTT-4.5.0-1 @MQTT-2.3.1-5
  Scenario: A zero-length payload is forwarded as a zero-length payload
    Given "sub" is connected and subscribed to "t/empty" at QoS 1
    And "pub" is connected
    When "pub" publishes an empty message to "t/empty" at QoS 0
    Then "sub" receives a PUBLISH on "t/empty" with QoS 0 and RETAIN 0 and payload ""

  @v3.1.1 @MQTT-4.5.0-1
  Scenario Outline: A <size>-byte payload (Remaining Length of <width> bytes) is forwarded intact
    Given "sub" is connected and subscribed to "t/big" at QoS 1
    And "pub" is connected
    When "pub" publishes a <size>-byte message to "t/big" at QoS 1
    Then "sub" receives the <size>-byte message on "t/big"

    Examples:
      | size   | width |
      | 200    | 2     |
      | 20000  | 3     |
