// Person-facing safety pieces: report dialog, masked messages, privacy and reports in settings, standing notices.
export { ReportDialog } from './components/ReportDialog';
export { MaskedText } from './components/MaskedText';
export { PrivacySection, MyReports } from './components/SafetySettings';
export { SuspensionNotice } from './components/SuspensionNotice';
export { WarningsDialog } from './components/WarningsDialog';
