package geo

// ParseTable lets the benchmark time a full parse of the table.
var ParseTable = func(data []byte) error { return parse(data).err }

// ParseDegrees is the fast decimal reader, checked against strconv.
var ParseDegrees = parseDegrees
