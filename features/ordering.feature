Feature: Message ordering
  Every topic is an ordered topic by default: the server forwards the PUBLISH packets one client
  sends on one topic at one QoS in the order it received them, to every subscriber, whatever the
  QoS of the subscription (MQTT 3.1.1 section 4.6). The publishers here send all their messages
  back to back, without waiting for acknowledgements, so the server has them in flight at once.

  @MQTT-4.6.0-6 @MQTT-4.6.0-5
  Scenario Outline: Messages published at QoS <pub> on one topic reach a QoS <sub> subscription in the order sent (<version>)
    Given "sub" is connected and subscribed to "o/seq" at QoS <sub>
    And "pub" is connected
    When "pub" sends 20 numbered messages to "o/seq" at QoS <pub> without waiting for acknowledgements
    Then "sub" receives the 20 numbered messages on "o/seq" in order

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | pub | sub |
      | 3.1.1   | 0   | 0   |
      | 3.1.1   | 1   | 1   |
      | 3.1.1   | 1   | 0   |
      | 3.1.1   | 1   | 2   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, published at QoS 2
      | version | pub | sub |
      | 3.1.1   | 2   | 2   |
      | 3.1.1   | 2   | 1   |

    @v3.1
    Examples: MQTT 3.1
      | version | pub | sub |
      | 3.1     | 1   | 1   |

    @v3.1 @needs:qos2
    Examples: MQTT 3.1, published at QoS 2
      | version | pub | sub |
      | 3.1     | 2   | 2   |

  @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5 @MQTT-4.5.0-1
  Scenario: Every subscriber gets one publisher's messages in the same order
    Given "first" is connected and subscribed to "o/fan" at QoS 1
    And "second" is connected and subscribed to "o/fan" at QoS 2
    And "pub" is connected
    When "pub" sends 20 numbered messages to "o/fan" at QoS 1 without waiting for acknowledgements
    Then "first" receives the 20 numbered messages on "o/fan" in order
    And "second" receives the 20 numbered messages on "o/fan" in order

  @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
  Scenario Outline: The messages of two publishers on one topic each keep their own order (QoS <qos>)
    Given "sub" is connected and subscribed to "o/two" at QoS 2
    And "a" is connected
    And "b" is connected
    When "a" and "b" each send 15 numbered messages to "o/two" at QoS <qos>, interleaved
    Then "sub" receives the 15 numbered messages of "a" and of "b" on "o/two", each publisher's in order

    Examples:
      | qos |
      | 1   |

    @needs:qos2
    Examples: published at QoS 2
      | qos |
      | 2   |

  @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5 @needs:wildcards @needs:qos2
  Scenario: Order is kept through a wildcard subscription
    Given "sub" is connected and subscribed to "o/+" at QoS 2
    And "pub" is connected
    When "pub" sends 20 numbered messages to "o/wild" at QoS 2 without waiting for acknowledgements
    Then "sub" receives the 20 numbered messages on "o/wild" in order
