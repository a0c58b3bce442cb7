Feature: SUBSCRIBE and SUBACK
  The server answers every SUBSCRIBE with a SUBACK carrying its packet identifier and one return
  code per filter, in order: the maximum QoS granted (never more than requested) or 0x80. A
  filter identical to an existing subscription's replaces it. Messages go out at the lower of the
  published QoS and the granted QoS; with overlapping subscriptions at least one copy goes out at
  the highest QoS they allow (MQTT 3.1.1 sections 3.3.5, 3.8 and 3.9).

  @MQTT-3.8.4-1 @MQTT-3.8.4-2 @MQTT-2.3.1-7
  Scenario Outline: SUBSCRIBE is answered by a SUBACK carrying its packet identifier <id> (<version>)
    Given "c" is connected
    When "c" sends SUBSCRIBE with packet identifier <id> for "s/id" at QoS 1
    Then "c" receives SUBACK with packet identifier <id>

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | id    |
      | 3.1.1   | 1     |
      | 3.1.1   | 4660  |
      | 3.1.1   | 65535 |

    @v3.1
    Examples: MQTT 3.1
      | version | id    |
      | 3.1     | 4660  |

  @MQTT-3.8.4-4 @MQTT-3.8.4-5 @MQTT-3.9.3-1 @MQTT-3.9.3-2 @MQTT-3.8.4-6
  Scenario Outline: A SUBSCRIBE with several filters gets one SUBACK with a return code per filter, in order, each applying to its filter (<version>)
    Given "sub" is connected
    When "sub" sends SUBSCRIBE for:
      | filter | qos |
      | s/two  | 2   |
      | s/zero | 0   |
      | s/one  | 1   |
    Then "sub" receives SUBACK with return codes "<=2, 0x00, <=1"
    And messages published at QoS 2 to each filter of that SUBSCRIBE reach "sub" at the QoS its SUBACK granted

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.8.4-4 @MQTT-3.8.4-5 @MQTT-3.9.3-1 @MQTT-4.7.1-2 @MQTT-4.7.1-3 @MQTT-4.8.0-1 @needs:wildcards
  Scenario Outline: An invalid filter among valid ones gets 0x80 in its place while the others are granted, or the connection is closed (<filter>)
    Given "sub" is connected
    When "sub" sends SUBSCRIBE for:
      | filter   | qos |
      | s/first  | 1   |
      | <filter> | 1   |
      | s/third  | 2   |
    Then the server either answers "sub" with SUBACK return codes "<=1, 0x80, <=2" or closes the connection
    And if "sub" is still connected, messages published at QoS 2 to each filter it was granted reach it at that QoS

    Examples:
      | filter  |
      | s/#/x   |
      | s/a#    |
      | s/a+    |
      | s/+x/y  |

  @v3.1.1 @MQTT-4.7.1-2 @MQTT-4.7.1-3 @MQTT-4.8.0-1 @needs:wildcards
  Scenario Outline: A filter with a misplaced wildcard is refused, or the connection is closed (<filter>: <rule>)
    Given "c" is connected
    When "c" sends SUBSCRIBE to "<filter>" at QoS 0
    Then the server refuses the subscription of "c" or closes the connection

    Examples:
      | filter   | rule                                   |
      | s/a#     | '#' must follow a separator            |
      | s/#/a    | '#' must be the last character         |
      | s/##     | '#' must occupy a whole level          |
      | s/a+     | '+' must occupy a whole level          |
      | s/+a/b   | '+' must occupy a whole level          |
      | s/a/b+   | '+' must occupy a whole level (last)   |

  @MQTT-3.8.4-6 @MQTT-4.5.0-1
  Scenario Outline: A QoS <pub> message to a subscription granted QoS <sub> is delivered at the lower of the two (<version>)
    Given "sub" is connected and subscribed to "s/down" at QoS <sub>
    And "pub" is connected
    When "pub" publishes "downgraded" to "s/down" at QoS <pub>
    Then "sub" receives "downgraded" on "s/down" at the lower of QoS <pub> and the QoS granted for "s/down"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | pub | sub |
      | 3.1.1   | 1   | 0   |
      | 3.1.1   | 1   | 2   |

    @v3.1.1 @needs:qos2
    Examples: MQTT 3.1.1, published at QoS 2
      | version | pub | sub |
      | 3.1.1   | 2   | 0   |
      | 3.1.1   | 2   | 1   |
      | 3.1.1   | 2   | 2   |

    @v3.1 @needs:qos2
    Examples: MQTT 3.1, published at QoS 2
      | version | pub | sub |
      | 3.1     | 2   | 0   |
      | 3.1     | 2   | 1   |

  @MQTT-3.8.4-3 @needs:qos1
  Scenario Outline: Subscribing again with the same filter replaces the subscription: its QoS changes and there is one subscription, not two (<version>)
    Given "sub" is connected and subscribed to "s/re" at QoS 0
    And "pub" is connected
    When "sub" subscribes to "s/re" at QoS 1
    And "pub" publishes "after the change" to "s/re" at QoS 1
    Then "sub" receives "after the change" on "s/re" at the lower of QoS 1 and the QoS granted for "s/re"
    And "sub" does not receive "after the change" on "s/re"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.8.4-3 @needs:qos2
  Scenario: Subscribing again at a lower QoS replaces the subscription's QoS
    Given "sub" is connected and subscribed to "s/lower" at QoS 2
    And "pub" is connected
    When "sub" subscribes to "s/lower" at QoS 0
    And "pub" publishes "lowered" to "s/lower" at QoS 2
    Then "sub" receives "lowered" on "s/lower" at QoS 0 exactly once

  @v3.1.1 @MQTT-3.3.5-1 @MQTT-3.8.4-6 @needs:wildcards @needs:qos2
  Scenario Outline: Overlapping subscriptions get one copy at the highest QoS granted, and at most one more at the other's QoS (<wide> at <a>, <narrow> at <b>)
    Given "sub" is connected
    And "sub" subscribes to:
      | filter   | qos |
      | <wide>   | <a> |
      | <narrow> | <b> |
    And "pub" is connected
    When "pub" publishes "overlap" to "s/o/x" at QoS 2
    Then "sub" receives "overlap" on "s/o/x" at QoS <max>, with at most one more copy at QoS <min>

    Examples:
      | wide  | a | narrow | b | max | min |
      | s/o/+ | 2 | s/o/x  | 1 | 2   | 1   |
      | s/o/+ | 0 | s/o/x  | 2 | 2   | 0   |
      | s/#   | 1 | s/o/+  | 0 | 1   | 0   |
