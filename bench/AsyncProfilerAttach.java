import com.sun.tools.attach.VirtualMachine;

/**
 * Loads async-profiler into a running JVM with the given options ("start,event=itimer,..." or "stop,collapsed,...").
 * jcmd's JVMTI.agent_load passed async-profiler 4.2 no options here, so the attach API does it. Used by
 * bench/async-profile.sh.
 */
public class AsyncProfilerAttach {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
