package io.zmtp.socket;

import java.lang.reflect.Method;

/**
 * Which socket classes have no word on what they receive: they override neither
 * {@code Socket.accept(Pipe, ZmtpMessage)} nor {@code Socket.acceptReceived(Message)}. Only to those
 * does an inproc sender's message travel lent (see {@code Message.lent}): a type that looks at a
 * message on the loop, or changes it, needs one of its own there. Worked out once per class.
 */
final class ReceiveHooks {
    private static final ClassValue<Boolean> AS_THEY_COME = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != Socket.class && c != null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals("accept") && m.getParameterCount() == 2
                            || m.getName().equals("acceptReceived") && m.getParameterCount() == 1) {
                        return false;
                    }
                }
            }
            return true;
        }
    };

    private ReceiveHooks() {
    }

    static boolean takesMessagesAsTheyCome(Class<? extends Socket> type) {
        return AS_THEY_COME.get(type);
    }
}
