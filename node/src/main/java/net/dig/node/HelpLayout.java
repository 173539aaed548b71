package net.dig.node;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code --help} whose option descriptions wrap only at spaces, so that config keys
 * ({@code monitoring.log_level}), paths and {@code KEY=VALUE} examples stay whole and can be copied
 * (picocli's own wrapping breaks after a dot or a hyphen). A word longer than the column still gets
 * a line of its own, unbroken.
 */
final class HelpLayout implements CommandLine.IHelpFactory {
    @Override
    public Help create(CommandSpec spec, ColorScheme colorScheme) {
        return new Help(spec, colorScheme) {
            @Override
            public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
                Layout picocli = super.createDefaultLayout(options, positionals, scheme);
                Help.TextTable defaults = picocli.textTable();
                SpaceWrappingTable table = new SpaceWrappingTable(scheme, defaults.columns());
                table.indentWrappedLines = defaults.indentWrappedLines;
                table.setAdjustLineBreaksForWideCJKCharacters(defaults.isAdjustLineBreaksForWideCJKCharacters());
                return new Layout(scheme, table, picocli.optionRenderer(), picocli.parameterRenderer());
            }
        };
    }

    private static final class SpaceWrappingTable extends Help.TextTable {
        private final ColorScheme scheme;

        SpaceWrappingTable(ColorScheme scheme, Column[] columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            String plain = value.plainString();
            if (column.overflow != Column.Overflow.WRAP || plain.length() <= column.width - column.indent || plain.contains("\n")) {
                return super.putValue(row, col, value);
            }
            List<String> lines = lines(plain, column.width - column.indent, indentWrappedLines);
            Cell last = null;
            for (int i = 0; i < lines.size(); i++) {
                while (row + i >= rowCount()) {
                    addEmptyRow();
                }
                last = super.putValue(row + i, col, scheme.ansi().new Text(lines.get(i), scheme));
            }
            return last;
        }

        static List<String> lines(String text, int width, int indent) {
            List<String> out = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split(" ")) {
                String prefix = out.isEmpty() ? "" : " ".repeat(indent);
                if (!line.isEmpty() && prefix.length() + line.length() + 1 + word.length() > width - 1) {
                    out.add((out.isEmpty() ? "" : " ".repeat(indent)) + line);
                    line.setLength(0);
                }
                if (!line.isEmpty()) {
                    line.append(' ');
                }
                line.append(word);
            }
            if (!line.isEmpty()) {
                out.add((out.isEmpty() ? "" : " ".repeat(indent)) + line);
            }
            return out;
        }
    }
}
