package dev.onramp.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.onramp.runtime.Env;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code onramp acls}: the Kafka ACLs of {@code deploy/kafka/acls.json}, applied to a cluster. */
@Command(name = "acls", description = "Kafka ACLs of the pipeline's principals.", subcommands = AclsCommand.Apply.class)
final class AclsCommand {

    /**
     * Makes the cluster's ACLs of the principals named in the file exactly the file's: adds what is missing, removes
     * what such a principal has beyond it, and prints each change. Run again, it changes nothing. Needs an admin
     * principal (KAFKA_CLIENT_* for its credentials); other principals' ACLs are left alone.
     */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Add the file's missing ACLs and remove the managed principals' others; print what changed.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;
        @Option(names = "--file", description = "The ACL data (default: this build's deploy/kafka/acls.json, in the jar).")
        Path file;
        @Option(names = "--set-passwords", description = "Also set each principal's SCRAM-SHA-512 password from"
                + " KAFKA_PASSWORD_<PRINCIPAL> (KAFKA_PASSWORD_INGEST, KAFKA_PASSWORD_OTHER_TEAM, ...), where set.")
        boolean setPasswords;

        @Override
        public Integer call() throws Exception {
            AclSpec spec = file == null ? AclSpec.shipped() : AclSpec.read(file);
            try (Admin admin = Admin.create(kafka.connection().clientConfig())) {
                if (setPasswords) {
                    for (String principal : setPasswords(admin, spec, kafka.env())) {
                        System.out.println("~ SCRAM-SHA-512 password of " + principal + " set");
                    }
                }
                Changes changes = apply(admin, spec);
                changes.added().forEach(binding -> System.out.println("+ " + describe(binding)));
                changes.removed().forEach(binding -> System.out.println("- " + describe(binding)));
                System.out.printf("%d ACLs added, %d removed, %d principals managed%n", changes.added().size(), changes.removed().size(),
                        spec.principals().size());
            }
            return 0;
        }
    }

    record Changes(List<AclBinding> added, List<AclBinding> removed) {
    }

    /**
     * Sets the SCRAM-SHA-512 password of each principal of the file whose {@code KAFKA_PASSWORD_<NAME>} is set, as
     * {@code kafka-configs --alter --entity-type users} does; returns the principals set. A password set again is
     * harmless: connections already open stay open.
     */
    static List<String> setPasswords(Admin admin, AclSpec spec, Env env) throws Exception {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (String name : spec.principals().keySet()) {
            String password = env.string(passwordVariable(name), null);
            if (password != null) {
                upserts.add(new UserScramCredentialUpsertion(name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
                set.add(AclSpec.principal(name));
            }
        }
        if (!upserts.isEmpty()) {
            admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
        }
        return set;
    }

    static String passwordVariable(String principal) {
        return "KAFKA_PASSWORD_" + principal.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static Changes apply(Admin admin, AclSpec spec) throws Exception {
        Set<AclBinding> wanted = spec.bindings();
        Collection<AclBinding> present = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
        List<AclBinding> added = new ArrayList<>();
        for (AclBinding binding : wanted) {
            if (!present.contains(binding)) {
                added.add(binding);
            }
        }
        List<AclBinding> removed = new ArrayList<>();
        for (AclBinding binding : present) {
            if (spec.managedPrincipals().contains(binding.entry().principal()) && !wanted.contains(binding)) {
                removed.add(binding);
            }
        }
        if (!added.isEmpty()) {
            admin.createAcls(added).all().get(30, TimeUnit.SECONDS);
        }
        if (!removed.isEmpty()) {
            admin.deleteAcls(removed.stream().map(AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
        }
        return new Changes(added, removed);
    }

    static String describe(AclBinding binding) {
        return binding.entry().principal() + " " + binding.entry().permissionType() + " " + binding.entry().operation() + " "
                + binding.pattern().resourceType() + " " + binding.pattern().name()
                + (binding.pattern().patternType() == PatternType.PREFIXED ? "*" : "");
    }
}
