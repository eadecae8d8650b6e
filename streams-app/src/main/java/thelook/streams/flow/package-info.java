/**
 * What the layers' helpers ({@code staging}, {@code intermediate}, {@code marts}) hand back to the
 * wiring in {@code topology}: {@link thelook.streams.flow.Emit} for records they produce and
 * {@link thelook.streams.flow.BadRecordException} for records they refuse. It sits below the layers, so
 * the wiring can depend on them without them depending on it.
 */
package thelook.streams.flow;
