Feature: Topic wildcards
  '+' matches exactly one topic level (an empty one too) and may stand at any level; '#' matches
  the parent level and any number of levels below it and stands last. Filters beginning with a
  wildcard do not match topic names beginning with '$' (MQTT 3.1.1 sections 4.7.1 and 4.7.2).
  Each outline publishes one message to every listed topic; the subscriber gets exactly those the
  filter matches.

  @MQTT-4.7.1-3 @MQTT-3.3.2-3 @MQTT-4.5.0-1 @needs:wildcards
  Scenario Outline: '+' matches exactly one level: "<filter>" (<version>)
    Given "sub" is connected and subscribed to "<filter>" at QoS 1
    And "pub" is connected
    When "pub" publishes one message at QoS 1 to each of the topics "<topics>"
    Then "sub" receives exactly the messages on the topics "<matched>"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | filter    | topics                                       | matched               |
      | 3.1.1   | w/+/p     | w/a/p, w/bb/p, w//p, w/a/b/p, w/p, w/a/q     | w/a/p, w/bb/p, w//p   |
      | 3.1.1   | w/+       | w/a, w/, w, w/a/b                            | w/a, w/               |
      | 3.1.1   | w/+/+     | w/a/b, w//, w/a, w/a/b/c                     | w/a/b, w//            |
      | 3.1.1   | +/{ns}/p  | a/{ns}/p, bb/{ns}/p, a/b/{ns}/p, {ns}/p      | a/{ns}/p, bb/{ns}/p   |

    @v3.1
    Examples: MQTT 3.1
      | version | filter    | topics                                       | matched               |
      | 3.1     | w/+/p     | w/a/p, w/bb/p, w/a/b/p, w/p, w/a/q           | w/a/p, w/bb/p         |

  @MQTT-4.7.1-2 @MQTT-3.3.2-3 @MQTT-4.5.0-1 @needs:wildcards
  Scenario Outline: '#' matches the parent level and every level below it: "<filter>" (<version>)
    Given "sub" is connected and subscribed to "<filter>" at QoS 1
    And "pub" is connected
    When "pub" publishes one message at QoS 1 to each of the topics "<topics>"
    Then "sub" receives exactly the messages on the topics "<matched>"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | filter    | topics                                       | matched                     |
      | 3.1.1   | h/#       | h, h/a, h/a/b/c, h/, hx, hx/a                | h, h/a, h/a/b/c, h/         |
      | 3.1.1   | h/a/#     | h/a, h/a/b, h/ab, h/b/a                      | h/a, h/a/b                  |
      | 3.1.1   | h/+/#     | h/a, h/a/b, h, h/                            | h/a, h/a/b, h/              |

    @v3.1
    Examples: MQTT 3.1
      | version | filter    | topics                                       | matched                     |
      | 3.1     | h/#       | h/a, h/a/b/c, hx, hx/a                       | h/a, h/a/b/c                |

  @v3.1.1 @MQTT-4.7.1-2 @MQTT-4.7.1-3 @MQTT-3.8.4-5 @needs:wildcards
  Scenario: Filters with wildcards at the first, middle and last level are accepted
    Given "c" is connected
    When "c" subscribes to:
      | filter     | qos |
      | +/{ns}/#   | 1   |
      | w/+/x/+    | 1   |
      | w/#        | 1   |
      | +/+/{ns}   | 0   |

  @v3.1.1 @MQTT-4.7.2-1 @needs:sys @needs:wildcards
  Scenario: A filter beginning with '+' does not match topics beginning with '$'
    Given "control" is connected and subscribed to "$SYS/#" at QoS 0
    And "control" receives a PUBLISH on a topic under "$SYS/"
    When "sub" is connected
    And "sub" subscribes to a filter of "+", the second level of that topic and "#"
    And "control" receives a newly published PUBLISH on a topic under "$SYS/"
    Then "sub" receives a marker published to a topic that filter matches, with no PUBLISH on a topic beginning with $ before it

  @v3.1.1 @MQTT-4.7.2-1 @needs:sys @needs:wildcards @serial
  Scenario: A filter of '#' alone does not match topics beginning with '$'
    Given "control" is connected and subscribed to "$SYS/#" at QoS 0
    And "control" receives a PUBLISH on a topic under "$SYS/"
    When "sub" is connected
    And "sub" subscribes to the filter "#" as written at QoS 0
    And "control" receives a newly published PUBLISH on a topic under "$SYS/"
    Then "sub" receives "marker" published to "marker" with no PUBLISH on a topic beginning with $ before it
