/** The names of topics and state stores: read by every layer, by the wiring and by the serving side; it reads nothing of theirs. */
package thelook.streams.names;
