Feature: Limits a server sets for itself (MQTT 3.1.1 sections 1.5.5, 3.1.4)
  The specification leaves a server's limits to the server, so these scenarios are optional:
  they judge a declared limit (the target profile's maxPacketSize, connectTimeout), never a value
  the suite made up.

  @v3.1.1 @optional @needs:connect-timeout
  Scenario: A client trickling a CONNECT byte by byte is cut at the CONNECT timeout (slowloris)
    When "c" trickles a CONNECT one byte every 200 ms, never sending its last byte
    Then the server closes the connection of "c" within its CONNECT timeout

  @v3.1.1 @optional
  Scenario: A packet over the maximum packet size closes the connection before its body arrives
    Given "c" is connected
    When "c" sends the fixed header of a PUBLISH one byte over the maximum packet size
    Then the server closes the connection of "c"
