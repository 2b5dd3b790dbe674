import { expect, test } from './fixtures';
import { openWizardFor, wizard } from './flows/connect';

/**
 * The details step checks a field when it loses the focus, and the message it shows moves the buttons below. A press
 * on Back or Continue right after typing must still land: the focus stays in the field until the click.
 */
for (const button of ['Back', 'Continue to test'] as const) {
  test(`${button} works on the first click right after typing in a field that then fails its check`, async ({ page, bridge }) => {
    await page.goto(bridge.url);
    await expect(page.getByTestId('vault-badge')).toBeVisible();
    await openWizardFor(page, 'angel', 'angel-one');
    const dialog = wizard(page);
    // A client code with a space: the field keeps the focus, and its check shows a message (two lines) once it blurs.
    const code = dialog.getByLabel('Client code', { exact: true });
    await code.fill('x y');
    await expect(code).toBeFocused();
    await dialog.getByRole('button', { name: button, exact: true }).click();
    if (button === 'Back') await expect(dialog.getByRole('searchbox')).toBeVisible();
    else await expect(dialog.getByTestId('wizard-problems')).toBeVisible();
  });
}
